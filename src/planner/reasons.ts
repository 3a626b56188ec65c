/**
 * The closed vocabulary of planner outcomes (SPEC §4). These strings are stored in the state store, emitted in
 * events and printed by `plan`, so they are part of the public contract: add new ones, never rename.
 */

export const DECISIONS = ['skip', 'partial', 'sample', 'defer', 'full'] as const;
export type Decision = (typeof DECISIONS)[number];

export const REASONS = [
  'forced',
  'incremental_disabled',
  'not_due',
  'first_run',
  'snapshot_match',
  'changed_partitions',
  'appended_rows',
  'snapshot_changed',
  'schema_changed',
  'stats_reset',
  'metadata_unavailable',
  'ttl_expired',
  'non_mergeable_metrics',
  'too_many_partitions',
  'rows_cap_exceeded',
  'bytes_cap_exceeded',
  'locked',
] as const;
export type Reason = (typeof REASONS)[number];

/**
 * Reasons that are part of the vocabulary but that no planner rule produces yet. The reasons test fails for any
 * reason that is neither produced by a case nor listed here, so a reason cannot silently lose its rule.
 * `appended_rows` waits for the watermark (virtual partition) mode; see `appendedRowsScope` in changes.ts.
 */
export const PENDING_REASONS: readonly Reason[] = [];

/** Decisions that scan data; the others only record that the table was looked at. */
export const PROFILE_DECISIONS: readonly Decision[] = ['partial', 'sample', 'full'];

export function isProfileDecision(d: Decision): boolean {
  return PROFILE_DECISIONS.includes(d);
}
