/**
 * Cost caps. They are applied to the scope the decision will actually scan — the changed partitions of a
 * partial, the table for a full — because capping a partial on the table's size (the Python original) turned
 * cheap incremental runs into samples or defers of tables that barely changed.
 */
import type { IncrementalConfig } from '../config/types.js';
import type { TableStateRow } from '../state/types.js';
import type { Decision, Reason } from './reasons.js';
import { minutesBetween } from './schedule.js';
import type { PendingDeferral } from './types.js';

type CostConfig = IncrementalConfig['costControls'];

export interface CapInput {
  decision: Decision;
  reason: Reason;
  rows: number | null;
  bytes: number | null;
  prior: TableStateRow | undefined;
  now: Date;
}

export interface CapOutcome {
  decision: Decision;
  reason: Reason;
  /** Deferral count to store. */
  deferrals: number;
  sampleFraction?: number;
  pending?: PendingDeferral;
  notes: string[];
}

/** Which cap the scope exceeds, if any. Unknown estimates never trigger a cap: metadata that is silent proves nothing. */
export function exceededCap(rows: number | null, bytes: number | null, cfg: CostConfig): { reason: Reason; note: string } | null {
  if (!cfg.enabled) return null;
  if (rows !== null && cfg.maxRowsScanned !== null && rows > cfg.maxRowsScanned) {
    return { reason: 'rows_cap_exceeded', note: `cap exceeded: ${fmt(rows)} rows > ${fmt(cfg.maxRowsScanned)}` };
  }
  if (bytes !== null && cfg.maxBytesScanned !== null && bytes > cfg.maxBytesScanned) {
    return { reason: 'bytes_cap_exceeded', note: `cap exceeded: ${fmt(bytes)} bytes > ${fmt(cfg.maxBytesScanned)}` };
  }
  return null;
}

/**
 * The decision after caps, or null when no cap applies. `forced` is never capped: `--full` is an explicit order.
 * A capped decision carries the cap's reason whatever the fallback, so `plan` shows why it is not what the
 * change alone would have asked for; the original reason goes into a note.
 */
export function applyCostCaps(input: CapInput, cfg: CostConfig): CapOutcome | null {
  if (input.reason === 'forced' || (input.decision !== 'full' && input.decision !== 'partial')) return null;
  const hit = exceededCap(input.rows, input.bytes, cfg);
  if (!hit) return null;
  const notes = [hit.note, `without the cap: ${input.decision}/${input.reason}`];
  const base = { reason: hit.reason, deferrals: 0, notes };
  if (cfg.fallbackStrategy === 'sample') {
    return { ...base, decision: 'sample', sampleFraction: cfg.sampleFraction };
  }
  if (cfg.fallbackStrategy === 'full') {
    return { ...base, decision: input.decision, notes: [...notes, 'fallback full: profiling the whole scope anyway'] };
  }
  return deferOrProfile(input, cfg, base);
}

/** A defer stores nothing that hides the change; the limits below make sure the change is profiled eventually. */
function deferOrProfile(input: CapInput, cfg: CostConfig, base: Omit<CapOutcome, 'decision'>): CapOutcome {
  const prior = input.prior;
  const deferrals = prior?.deferrals ?? 0;
  const firstDeferredAt = deferrals > 0 ? (pendingSince(prior?.pending) ?? prior?.lastCheckedAt ?? null) : null;
  const age = firstDeferredAt ? minutesBetween(firstDeferredAt, input.now) : null;
  if (deferrals >= cfg.maxDeferrals) {
    return { ...base, decision: input.decision, notes: [...base.notes, `deferred ${deferrals} times (max ${cfg.maxDeferrals}): profiling now`] };
  }
  if (age !== null && age >= cfg.maxDeferralAgeMinutes) {
    const note = `deferred since ${firstDeferredAt} (${Math.floor(age)} min >= ${cfg.maxDeferralAgeMinutes}): profiling now`;
    return { ...base, decision: input.decision, notes: [...base.notes, note] };
  }
  return {
    ...base,
    decision: 'defer',
    deferrals: deferrals + 1,
    pending: { firstDeferredAt: firstDeferredAt ?? input.now.toISOString(), reason: input.reason },
    notes: [...base.notes, `deferral ${deferrals + 1} of at most ${cfg.maxDeferrals}`],
  };
}

function pendingSince(pending: unknown): string | null {
  if (typeof pending !== 'object' || pending === null) return null;
  const v = (pending as { firstDeferredAt?: unknown }).firstDeferredAt;
  return typeof v === 'string' ? v : null;
}

/** Short human numbers for notes: 1200000000 → "1.2e9". */
export function fmt(n: number): string {
  if (Math.abs(n) < 100_000) return String(n);
  return Number(n.toPrecision(3)).toExponential().replace('e+', 'e');
}
