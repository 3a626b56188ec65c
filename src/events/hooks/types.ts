/** The contract between the bus and one configured hook. */
import type { HookConfig } from '../../config/types.js';
import type { Logger } from '../../log.js';
import type { StateStore } from '../../state/types.js';
import type { BaselinrEvent } from '../types.js';

export interface Hook {
  readonly type: HookConfig['type'];
  /** Names the destination in warnings (a host, a module file); never a secret, never a query string. */
  readonly target?: string;
  /** Deliveries in flight at once. 1 keeps events in emit order, which local sinks want. */
  readonly concurrency: number;
  /**
   * Delivers one (already scrubbed) event. Rejects when delivery failed for good: the bus turns that rejection
   * into exactly one warning, so a hook never logs its own failures and never retries after rejecting.
   * Resolves silently for events a hook has decided to drop (e.g. a module that could not be loaded).
   */
  deliver(e: BaselinrEvent): Promise<void>;
  /** Extra strings this hook knows are secret (webhook header values, URL credentials). */
  readonly secrets?: readonly string[];
}

export interface HookContext {
  logger: Logger;
  store?: StateStore;
}
