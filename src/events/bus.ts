/**
 * The event bus: in-process subscribers are called synchronously at `emit`; configured hooks are delivered in the
 * background, and `flush()` waits for them. Nothing a subscriber or hook does can throw out of `emit` or `flush`:
 * SPEC §8 says a failing hook is logged and never fails the run.
 */
import type { HookConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { StateStore } from '../state/types.js';
import { createHook, type Hook } from './hooks/index.js';
import { describeError, scrubDeep, scrubText, secretList } from './scrub.js';
import type { BaselinrEvent, EventOf, EventType } from './types.js';

export type EventHandler<E extends BaselinrEvent = BaselinrEvent> = (e: E) => void | Promise<void>;
export type Unsubscribe = () => void;

export interface SubscribeOptions<K extends EventType = EventType> {
  /** Only these event types; all when absent. */
  types?: readonly K[];
  handler: EventHandler<EventOf<K>>;
}

export interface EventBus {
  subscribe(handler: EventHandler): Unsubscribe;
  subscribe<K extends EventType>(opts: SubscribeOptions<K>): Unsubscribe;
  emit(e: BaselinrEvent): void;
  /** Resolves once every hook delivery (and async subscriber) queued so far has settled. Never rejects. */
  flush(): Promise<void>;
}

export interface EventBusOptions {
  hooks: HookConfig[];
  /** Where the `sql` hook writes. */
  store?: StateStore;
  logger: Logger;
  /** Literal secret values, masked in anything a hook receives and in every warning. */
  secrets?: readonly string[];
}

interface Subscriber {
  types?: ReadonlySet<string>;
  handler: EventHandler;
}

export function createEventBus(opts: EventBusOptions): EventBus {
  const { logger } = opts;
  const hooks = opts.hooks.map((config) => createHook(config, { logger, store: opts.store }));
  const secrets = secretList([...(opts.secrets ?? []), ...hooks.flatMap((h) => h.secrets ?? [])]);
  const limiters = hooks.map((h) => new Limiter(h.concurrency));
  const subscribers = new Set<Subscriber>();
  const pending = new Set<Promise<void>>();

  const warn = (fields: Record<string, unknown>, message: string) =>
    logger.warn(scrubDeep(fields, secrets), scrubText(message, secrets));

  // Every tracked promise is made non-rejecting first, so `flush` never throws and nothing goes unhandled.
  const track = (p: Promise<void>) => {
    pending.add(p);
    void p.then(() => pending.delete(p));
  };

  const deliver = (hook: Hook, limiter: Limiter, e: BaselinrEvent) =>
    track(
      limiter.run(() => hook.deliver(e)).catch((err: unknown) => {
        const where = hook.target ? ` (${hook.target})` : '';
        warn(
          { hook: hook.type, target: hook.target, eventType: e.type, table: e.table },
          `${hook.type} hook${where} failed for ${e.type} of ${e.table}: ${describeError(err)}`,
        );
      }),
    );

  return {
    subscribe(arg: EventHandler | SubscribeOptions<EventType>): Unsubscribe {
      const sub: Subscriber =
        typeof arg === 'function'
          ? { handler: arg }
          : { handler: arg.handler as EventHandler, types: arg.types ? new Set<string>(arg.types) : undefined };
      subscribers.add(sub);
      return () => void subscribers.delete(sub);
    },

    emit(e: BaselinrEvent): void {
      // A copy, so a subscriber that unsubscribes (itself or another) mid-emit does not skip anyone.
      for (const sub of [...subscribers]) {
        if (sub.types && !sub.types.has(e.type)) continue;
        try {
          const r: unknown = sub.handler(e);
          if (isThenable(r)) track(Promise.resolve(r).then(() => undefined, (err: unknown) => subscriberFailed(e, err)));
        } catch (err) {
          subscriberFailed(e, err);
        }
      }
      if (hooks.length === 0) return;
      const safe = scrubDeep(e, secrets);
      hooks.forEach((hook, i) => deliver(hook, limiters[i], safe));
    },

    async flush(): Promise<void> {
      // Loop: a subscriber or hook may emit while we wait, and its deliveries count too.
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };

  function subscriberFailed(e: BaselinrEvent, err: unknown): void {
    warn({ eventType: e.type, table: e.table }, `event subscriber failed for ${e.type} of ${e.table}: ${describeError(err)}`);
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** At most `limit` tasks at once, started in call order (with limit 1: strictly one after another, FIFO). */
class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run(task: () => Promise<void>): Promise<void> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resume) => this.waiting.push(resume));
    try {
      await task();
    } finally {
      // Hand the slot straight to the next waiter, so a newcomer cannot overtake it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
