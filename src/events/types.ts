/**
 * The typed events of a run (SPEC §8). The `type` strings and the snake_case field names are a public contract:
 * they are what webhooks receive and what the `sql` hook stores, so add fields, never rename them.
 */
import type { Decision, Reason } from '../planner/reasons.js';

/** Fields every event carries. */
export interface EventBase {
  /** ISO-8601 UTC, ending in `Z`. */
  at: string;
  runId: string;
  table: string;
}

export interface ProfilingSkipped extends EventBase {
  type: 'ProfilingSkipped';
  action: 'skip' | 'defer';
  reason: Reason;
  snapshot_id: string | null;
  last_profiled_at: string | null;
}

export interface ProfilingStarted extends EventBase {
  type: 'ProfilingStarted';
  decision: Decision;
  reason: Reason;
  snapshot_id: string | null;
  /** Partitions to scan; empty for a full or sampled scan of the whole table. */
  partitions: string[];
}

export interface ProfilingCompleted extends EventBase {
  type: 'ProfilingCompleted';
  decision: Decision;
  reason: Reason;
  rows_scanned: number;
  /** How many partitions were profiled. */
  partitions: number;
  duration_ms: number;
}

export interface ProfilingFailed extends EventBase {
  type: 'ProfilingFailed';
  decision: Decision;
  reason: Reason;
  /** Already scrubbed of secrets by the emitter; the bus scrubs again before any hook sees it. */
  error: string;
}

export interface ProfileDeferredCostCap extends EventBase {
  type: 'profile_deferred_cost_cap';
  reason: Reason;
  estimated_rows: number | null;
  estimated_bytes: number | null;
  /** Consecutive deferrals including this one. */
  deferrals: number;
}

export interface ProfileSampledCostCap extends EventBase {
  type: 'profile_sampled_cost_cap';
  reason: Reason;
  estimated_rows: number | null;
  estimated_bytes: number | null;
  sample_fraction: number;
}

export type BaselinrEvent =
  | ProfilingSkipped
  | ProfilingStarted
  | ProfilingCompleted
  | ProfilingFailed
  | ProfileDeferredCostCap
  | ProfileSampledCostCap;

export type EventType = BaselinrEvent['type'];

export const EVENT_TYPES: readonly EventType[] = [
  'ProfilingSkipped',
  'ProfilingStarted',
  'ProfilingCompleted',
  'ProfilingFailed',
  'profile_deferred_cost_cap',
  'profile_sampled_cost_cap',
];

export type EventOf<K extends EventType> = Extract<BaselinrEvent, { type: K }>;

/** What a caller supplies to `event()`: everything but `type`, with `at` optional (tests pin it). */
export type EventFields<K extends EventType> = Omit<EventOf<K>, 'type' | 'at'> & { at?: string };

/** Builds an event, stamping `at` with the current time unless one is given. */
export function event<K extends EventType>(type: K, fields: EventFields<K>): EventOf<K> {
  // `type` leads the key order (JSON readers see it first) and is re-applied last, so a stray `type` in `fields`
  // from an untyped JS caller cannot change the variant.
  return Object.assign({ type, at: new Date().toISOString() }, fields, { type }) as unknown as EventOf<K>;
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}
