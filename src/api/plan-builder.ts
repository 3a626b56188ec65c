/**
 * The library's orchestrator surface (SPEC §9): build a plan, ask which tables need work, profile a plan.
 * Everything here is a thin layer over `computePlan` and `runProfile`, so the library, the CLI and `serve`
 * decide identically.
 */
import { loadConfig, type BaselinrConfig } from '../config/index.js';
import { createEventBus, type BaselinrEvent, type EventHandler, type Unsubscribe } from '../events/index.js';
import type { Logger } from '../log.js';
import { DECISIONS, isProfileDecision, type Decision } from '../planner/index.js';
import { createContext } from './context.js';
import { computePlan, type PlanEntry, type PlanResult } from './plan.js';
import { runProfile, type ProfileEntry, type ProfileResult } from './profile.js';

export interface PlanOptions {
  /** A config file path (relative paths inside it resolve against its folder) or an already loaded config. */
  config: string | BaselinrConfig;
  /** Table names, `*` globs allowed; all configured tables when absent. */
  tables?: string[];
  /** Plan as `profile --full` would: every selected table `full`/`forced`. */
  full?: boolean;
  now?: () => Date;
  /** Defaults to a pino logger on stderr at `logLevel` (default `warn`), like the CLI. */
  logger?: Logger;
  logLevel?: string;
}

export interface ProfileOptions extends PlanOptions {
  /** Profile exactly this plan's tables (see `profile`). Excludes `tables` and `full`. */
  plan?: Plan;
  concurrency?: number;
  onEvent?: EventHandler<BaselinrEvent>;
  signal?: AbortSignal;
}

export interface PlanSummary {
  total: number;
  /** Tables whose decision scans data: `full`, `partial` or `sample`. */
  toRun: number;
  counts: Record<Decision, number>;
  /** One line for logs, e.g. `3 tables: 2 to run (partial 1, full 1), skip 1`. */
  text: string;
}

export class Plan {
  readonly generatedAt: string;
  readonly tables: readonly PlanEntry[];

  constructor(private readonly doc: PlanResult) {
    this.generatedAt = doc.generated_at;
    this.tables = doc.tables;
  }

  /** Accepts the SPEC `plan` document (`baselinr plan --format json`, `GET /plan`). */
  static fromJSON(doc: PlanResult): Plan {
    return new Plan(doc);
  }

  getTablesToRun(): PlanEntry[] {
    return this.tables.filter((t) => isProfileDecision(t.decision));
  }

  toSummary(): PlanSummary {
    const counts = Object.fromEntries(DECISIONS.map((d) => [d, 0])) as Record<Decision, number>;
    for (const t of this.tables) counts[t.decision]++;
    const toRun = this.getTablesToRun().length;
    const part = (ds: readonly Decision[]) => ds.filter((d) => counts[d] > 0).map((d) => `${d} ${counts[d]}`).join(', ');
    const runPart = toRun > 0 ? ` (${part(['full', 'partial', 'sample'])})` : '';
    const rest = part(['skip', 'defer']);
    const text = `${this.tables.length} table${this.tables.length === 1 ? '' : 's'}: ${toRun} to run${runPart}${rest ? `, ${rest}` : ''}`;
    return { total: this.tables.length, toRun, counts, text };
  }

  toJSON(): PlanResult {
    return this.doc;
  }
}

export class PlanBuilder {
  private readonly options: PlanOptions;
  private readonly handlers = new Set<EventHandler<BaselinrEvent>>();
  private last?: Plan;

  constructor(options: PlanOptions) {
    // Load once, here, so a bad config fails at construction with its ConfigError, not at the first build.
    this.options = { ...options, config: resolveConfig(options.config) };
  }

  async build(): Promise<Plan> {
    this.last = await plan(this.options);
    return this.last;
  }

  /** The entries of `p` (default: the last built plan) whose decision scans data. */
  getTablesToRun(p: Plan | undefined = this.last): PlanEntry[] {
    if (!p) throw new Error('PlanBuilder.getTablesToRun(): call build() first or pass a plan');
    return p.getTablesToRun();
  }

  /** Receives the events of every `profile()` started from this builder. */
  onEvent(handler: EventHandler<BaselinrEvent>): Unsubscribe {
    this.handlers.add(handler);
    return () => void this.handlers.delete(handler);
  }

  /** Profiles `opts.plan`, else the last built plan, else whatever the builder's options select. */
  profile(opts: { plan?: Plan; concurrency?: number; signal?: AbortSignal } = {}): Promise<ProfileResult> {
    const chosen = opts.plan ?? this.last;
    const base = chosen ? { ...this.options, tables: undefined, full: undefined, plan: chosen } : this.options;
    return runWith({ ...base, concurrency: opts.concurrency, signal: opts.signal }, [...this.handlers]);
  }
}

/** Read-only: change detection and the planner. Scans no table data and writes nothing. */
export async function plan(options: PlanOptions): Promise<Plan> {
  const config = resolveConfig(options.config);
  const ctx = createContext(config, { readOnly: true, now: options.now, logger: options.logger, logLevel: options.logLevel ?? 'warn' });
  try {
    const { result } = await computePlan(ctx, { tables: options.tables, full: options.full });
    return new Plan(result);
  } finally {
    await ctx.close();
  }
}

/**
 * Plans and profiles, returning the SPEC `profile` document; configured hooks run as in the CLI.
 *
 * Given a plan, it profiles exactly that plan's tables, but it RE-PLANS them at run time (`runProfile` has no way
 * to take decisions in): tables the plan forced are re-planned with `full`, the others normally. If the data or
 * the schedule moved in between, the fresh decision runs and the entry gets a note naming the plan's decision; a
 * plan table that no longer exists comes back `failed`.
 */
export function profile(options: ProfileOptions): Promise<ProfileResult> {
  return runWith(options, options.onEvent ? [options.onEvent] : []);
}

async function runWith(options: ProfileOptions, handlers: EventHandler<BaselinrEvent>[]): Promise<ProfileResult> {
  const config = resolveConfig(options.config);
  if (options.plan && (options.tables !== undefined || options.full !== undefined)) {
    throw new TypeError('profile(): pass either `plan` or `tables`/`full`, not both');
  }
  const ctx = createContext(config, { now: options.now, logger: options.logger, logLevel: options.logLevel ?? 'warn' });
  try {
    const events = createEventBus({ hooks: config.hooks, store: await ctx.store(), logger: ctx.logger, secrets: ctx.secrets });
    // Subscribed one by one so a throwing handler is isolated by the bus instead of starving the others.
    for (const h of handlers) events.subscribe(h);
    const run = (tables: string[] | undefined, full: boolean | undefined) =>
      runProfile(ctx, { tables, full, concurrency: options.concurrency, events, signal: options.signal });
    try {
      if (!options.plan) return await run(options.tables, options.full);
      const entries = options.plan.tables;
      for (const e of entries) {
        if (/[*,]/.test(e.table)) throw new Error(`profile(plan): table name "${e.table}" cannot be selected exactly (contains * or ,)`);
      }
      const forced = entries.filter((e) => e.reason === 'forced').map((e) => e.table);
      const normal = entries.filter((e) => e.reason !== 'forced').map((e) => e.table);
      // An empty `tables` list means "all tables" to runProfile, so an empty group must not run at all.
      const results = [forced.length ? await run(forced, true) : undefined, normal.length ? await run(normal, false) : undefined];
      return mergeInPlanOrder(options.plan, results.filter((r): r is ProfileResult => r !== undefined), ctx.now());
    } finally {
      await events.flush();
    }
  } finally {
    await ctx.close();
  }
}

function mergeInPlanOrder(p: Plan, results: ProfileResult[], now: Date): ProfileResult {
  const byTable = new Map(results.flatMap((r) => r.tables).map((t) => [t.table, t]));
  const tables = p.tables.map((planned): ProfileEntry => {
    const ran = byTable.get(planned.table);
    if (!ran) {
      const error = `table "${planned.table}" from the plan is no longer configured or found`;
      return { ...planned, status: 'failed', rows_scanned: 0, partitions_profiled: 0, duration_ms: 0, error };
    }
    if (ran.decision !== planned.decision || ran.reason !== planned.reason) {
      ran.notes = [...(ran.notes ?? []), `planned ${planned.decision}/${planned.reason} at ${p.generatedAt}; re-planned at run time`];
    }
    return ran;
  });
  const summary = Object.fromEntries(DECISIONS.map((d) => [d, 0])) as Record<Decision, number>;
  for (const t of tables) summary[t.decision]++;
  return { generated_at: results[0]?.generated_at ?? now.toISOString(), tables, summary };
}

function resolveConfig(config: string | BaselinrConfig): BaselinrConfig {
  return typeof config === 'string' ? loadConfig(config) : config;
}
