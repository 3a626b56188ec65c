/**
 * The planner: a pure function of (metadata, stored state, config, now). No I/O and no clock, so `plan` is
 * read-only and every rule is testable with a fake clock.
 *
 * Rules, in order; the first that matches wins:
 *  1. locked                                   → skip/locked               (another run holds the table)
 *  2. --full                                   → full/forced
 *  3. incremental.enabled false                → full/incremental_disabled
 *  4. never profiled                           → full/first_run
 *  5. no snapshot (metadata error)             → full/metadata_unavailable (uncertain → profile, never skip)
 *  6. snapshot_ttl_minutes since last profile  → full/ttl_expired          (bounds how long hints are trusted)
 *  7. adaptive schedule says not yet due       → skip/not_due              (stored schedule kept as is)
 *  8. schema hash differs                      → full/schema_changed
 *  9. statistics were reset                    → full/stats_reset
 * 10. snapshot id equals the stored one        → skip/snapshot_match if the snapshot is exact,
 *                                                else full/metadata_unavailable (metadata hints, cannot prove)
 * 11. partial possible but a requested metric is not mergeable → full/non_mergeable_metrics
 * 12. partial possible (pruning on, native partitions, stored partition states, contract allows it):
 *       more changed partitions than max_partitions_per_run → full/too_many_partitions — a full run is exact and
 *       clears the backlog in one go, where capping would leave partitions pending and the profile stale;
 *       otherwise → partial/changed_partitions (possibly only removals, with an empty changed list)
 *     (the watermark mode will return partial/appended_rows here, through `appendedRowsScope`)
 * 13. otherwise                                → full/snapshot_changed
 * 14. cost caps on the scope to scan (not for forced, not on unknown estimates) → rows_cap_exceeded or
 *     bytes_cap_exceeded, then fallback: sample | defer (bounded by max deferrals/age) | full (note only).
 */
import { appendedRowsScope, diffPartitions, partialAllowed, partitionsEstimate, priorSnapshotOf, tableEstimate } from './changes.js';
import { applyCostCaps } from './cost.js';
import { DECISIONS, type Decision, type Reason } from './reasons.js';
import type { Observation, Schedule } from './schedule.js';
import { currentInterval, isNotDue, learnInterval, minutesBetween, scheduleAfterCheck, scheduleUnchanged } from './schedule.js';
import type { PlanContext, PlanTableInput, TableDecision } from './types.js';

/** The decision before cost caps, and what the check learned for the schedule. */
interface Verdict {
  decision: Decision;
  reason: Reason;
  changed?: string[];
  removed?: string[];
  watermarkFrom?: string;
  observation: Observation;
}

export function planTable(input: PlanTableInput, ctx: PlanContext): TableDecision {
  const inc = ctx.incremental;
  const sched = inc.adaptiveScheduling;
  const prior = input.prior;
  if (input.locked) return unchecked(input, 'locked', scheduleUnchanged(input.name, prior, sched));
  const interval = currentInterval(input.name, prior, sched);
  const v = verdict(input, ctx, isNotDue(ctx.now, prior, interval, sched));
  if (v.reason === 'not_due') return unchecked(input, 'not_due', scheduleUnchanged(input.name, prior, sched));
  const schedule = scheduleAfterCheck(ctx.now, learnInterval(input.name, interval, v.observation, sched), sched);
  const est = v.decision === 'skip' ? { rows: 0, bytes: 0 }
    : v.watermarkFrom ? { rows: null, bytes: null }
    : v.decision === 'partial' && input.snapshot ? partitionsEstimate(input.snapshot, v.changed ?? [])
      : tableEstimate(input.snapshot);
  const out: TableDecision = {
    ...base(input, v.decision, v.reason, schedule),
    changedPartitions: v.changed ?? [],
    removedPartitions: v.removed ?? [],
    ...(v.watermarkFrom ? { watermarkFrom: v.watermarkFrom } : {}),
    estimatedRows: est.rows,
    estimatedBytes: est.bytes,
    // Nothing is pending after a real check: a profile clears it and a skip proved there is nothing to do.
    deferrals: 0,
  };
  const capped = applyCostCaps({ decision: v.decision, reason: v.reason, rows: est.rows, bytes: est.bytes, prior, now: ctx.now },
    inc.costControls);
  if (!capped) return out;
  const { notes, ...rest } = capped;
  return { ...out, ...rest, notes: [...(out.notes ?? []), ...notes] };
}

export function planTables(inputs: PlanTableInput[], ctx: PlanContext): TableDecision[] {
  return inputs.map((input) => planTable(input, ctx));
}

export function summarize(decisions: TableDecision[]): Record<Decision, number> {
  const counts = Object.fromEntries(DECISIONS.map((d) => [d, 0])) as Record<Decision, number>;
  for (const d of decisions) counts[d.decision] += 1;
  return counts;
}

/** Rules 2–13; `notDue` is the stored schedule's opinion, consulted at rule 7. */
function verdict(input: PlanTableInput, ctx: PlanContext, notDue: boolean): Verdict {
  const { prior, snapshot } = input;
  // Forced and first runs say nothing about how often the table changes, so the interval is left alone.
  if (ctx.forceFull) return { decision: 'full', reason: 'forced', observation: 'unknown' };
  if (!ctx.incremental.enabled) return { decision: 'full', reason: 'incremental_disabled', observation: 'unknown' };
  if (!prior?.lastProfiledAt) return { decision: 'full', reason: 'first_run', observation: 'unknown' };
  if (!snapshot) return { decision: 'full', reason: 'metadata_unavailable', observation: 'unknown' };
  const stored = priorSnapshotOf(prior);
  const sameId = stored.snapshotId !== null && stored.snapshotId === snapshot.snapshotId;
  // The TTL profile still teaches the schedule whatever the snapshot shows, or a TTL shorter than the interval
  // would freeze the interval forever.
  const changed: Observation = stored.snapshotId === null ? 'unknown' : 'changed';
  const seen: Observation = !sameId ? changed : snapshot.exact ? 'unchanged' : 'unknown';
  if (ttlExpired(prior.lastProfiledAt, ctx)) return { decision: 'full', reason: 'ttl_expired', observation: seen };
  if (notDue) return { decision: 'skip', reason: 'not_due', observation: 'unknown' };
  if (stored.schemaHash !== null && stored.schemaHash !== snapshot.schemaHash) {
    return { decision: 'full', reason: 'schema_changed', observation: changed };
  }
  // A reset moves statistics-based snapshot ids without any data change: profile, but learn nothing from it.
  if (input.statsReset) return { decision: 'full', reason: 'stats_reset', observation: 'unknown' };
  if (sameId) {
    return snapshot.exact
      ? { decision: 'skip', reason: 'snapshot_match', observation: 'unchanged' }
      : { decision: 'full', reason: 'metadata_unavailable', observation: 'unknown' };
  }
  const pp = ctx.incremental.partialProfiling;
  if (partialAllowed(input, pp)) {
    if (input.metrics.some((m) => !pp.mergeableMetrics.includes(m))) {
      return { decision: 'full', reason: 'non_mergeable_metrics', observation: changed };
    }
    const diff = diffPartitions(snapshot.partitions, input.priorPartitions);
    if (diff.changed.length > pp.maxPartitionsPerRun) {
      return { decision: 'full', reason: 'too_many_partitions', observation: changed };
    }
    return { decision: 'partial', reason: 'changed_partitions', ...diff, observation: changed };
  }
  const appended = appendedRowsScope(input);
  if (appended) return { decision: 'partial', reason: 'appended_rows', ...appended, observation: changed };
  return { decision: 'full', reason: 'snapshot_changed', observation: changed };
}

function ttlExpired(lastProfiledAt: string, ctx: PlanContext): boolean {
  const ttl = ctx.incremental.changeDetection.snapshotTtlMinutes;
  const age = minutesBetween(lastProfiledAt, ctx.now);
  // An unreadable timestamp cannot show the profile is fresh, so it counts as expired.
  return ttl > 0 && (age === null || age >= ttl);
}

/** A decision for a table that was not looked at: every stored value is reported back unchanged. */
function unchecked(input: PlanTableInput, reason: 'locked' | 'not_due', schedule: Schedule): TableDecision {
  return {
    ...base(input, 'skip', reason, schedule),
    changedPartitions: [],
    removedPartitions: [],
    estimatedRows: 0,
    estimatedBytes: 0,
    deferrals: input.prior?.deferrals ?? 0,
  };
}

function base(input: PlanTableInput, decision: Decision, reason: Reason, schedule: Schedule) {
  return {
    table: input.name,
    decision,
    reason,
    snapshotId: input.snapshot?.snapshotId ?? null,
    pendingPartitions: [] as string[],
    lastProfiledAt: input.prior?.lastProfiledAt ?? null,
    nextDueAt: schedule.nextDueAt,
    intervalMinutes: schedule.intervalMinutes,
    ...(input.snapshotError ? { notes: [`metadata unavailable: ${input.snapshotError}`] } : {}),
  };
}
