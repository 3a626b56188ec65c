/**
 * What changed since the last profile, from metadata alone. Partition diffs compare against the fingerprints the
 * stored partition states were profiled at — not against the table snapshot — because those states are what a
 * partial merges with: a partition is reused only if its own stored state provably matches it.
 */
import type { PartitionFact, TableSnapshot } from '../connectors/types.js';
import type { TableStateRow } from '../state/types.js';
import type { PlanTableInput, PriorPartition } from './types.js';
import { watermarkLowerBound } from './watermark.js';

export interface PartitionDiff {
  /** New, or fingerprint differs from (or is missing in) the stored state. Sorted. */
  changed: string[];
  /** Stored, but no longer in the snapshot. Sorted. */
  removed: string[];
}

export function diffPartitions(current: PartitionFact[], prior: PriorPartition[]): PartitionDiff {
  const stored = new Map(prior.map((p) => [p.id, p.fingerprint]));
  const present = new Set(current.map((p) => p.id));
  // A null stored fingerprint cannot prove anything, so that partition is re-scanned.
  const changed = current.filter((p) => stored.get(p.id) == null || stored.get(p.id) !== p.fingerprint).map((p) => p.id);
  const removed = prior.filter((p) => !present.has(p.id)).map((p) => p.id);
  return { changed: sortIds(changed), removed: sortIds(removed) };
}

/** The parts of the stored snapshot (a parsed JSON blob) the planner compares against. */
export interface PriorSnapshot {
  snapshotId: string | null;
  schemaHash: string | null;
}

export function priorSnapshotOf(prior: TableStateRow): PriorSnapshot {
  const blob = isRecord(prior.snapshot) ? prior.snapshot : {};
  return {
    snapshotId: prior.snapshotId ?? stringOrNull(blob.snapshotId),
    schemaHash: prior.schemaHash ?? stringOrNull(blob.schemaHash),
  };
}

/**
 * Whether a partial profile can be exact for this table. A record_set's new version of a record replaces the old
 * one; only when the partition key is part of the primary key do both versions live in the same partition, so
 * re-scanning changed partitions alone cannot double-count or keep a stale version.
 */
export function partialAllowed(input: PlanTableInput, pp: { enabled: boolean; allowPartitionPruning: boolean }): boolean {
  if (!pp.enabled || !pp.allowPartitionPruning || !input.nativePartitions) return false;
  if (input.priorPartitions.length === 0 || !input.snapshot) return false;
  const { kind, primaryKey } = input.contract;
  if (kind === 'snapshot' || kind === 'event_stream') return true;
  const key = input.partition?.key;
  return key !== undefined && (primaryKey ?? []).includes(key);
}

/**
 * Hook point for the watermark (virtual partition) mode, which will yield `partial`/`appended_rows` for tables
 * whose partitions are buckets of a column rather than real partitions. It returns null until that mode exists,
 * so such tables fall through to `full`/`snapshot_changed`, which is always exact.
 */
export function appendedRowsScope(input: PlanTableInput): (PartitionDiff & { watermarkFrom: string }) | null {
  const p = input.partition;
  if (!p?.granularity || input.contract.kind !== 'event_stream' || input.nativePartitions) return null;
  // The watermark is the largest key value the stored profile saw: free, no query needed.
  if (input.prior?.profile?.sampled) return null; // a sample's max is not the watermark
  const max = input.prior?.profile?.columns?.[p.key]?.max;
  if (typeof max !== 'string') return null;
  const watermarkFrom = watermarkLowerBound(max, p.granularity, p.lookback);
  return watermarkFrom ? { changed: [], removed: [], watermarkFrom } : null;
}

/** Rows and bytes of the given partitions; null as soon as one of them does not say (a guess is not a cap input). */
export function partitionsEstimate(snapshot: TableSnapshot, ids: string[]): { rows: number | null; bytes: number | null } {
  const wanted = new Set(ids);
  const facts = snapshot.partitions.filter((p) => wanted.has(p.id));
  return { rows: sumOrNull(facts.map((p) => p.rowCount)), bytes: sumOrNull(facts.map((p) => p.bytes)) };
}

export function tableEstimate(snapshot: TableSnapshot | undefined): { rows: number | null; bytes: number | null } {
  if (!snapshot) return { rows: null, bytes: null };
  const parts = snapshot.partitions;
  return {
    rows: snapshot.rowCount ?? (parts.length ? sumOrNull(parts.map((p) => p.rowCount)) : null),
    bytes: snapshot.bytes ?? (parts.length ? sumOrNull(parts.map((p) => p.bytes)) : null),
  };
}

function sumOrNull(values: Array<number | undefined>): number | null {
  let total = 0;
  for (const v of values) {
    if (v === undefined || !Number.isFinite(v)) return null;
    total += v;
  }
  return total;
}

/** Code-unit order, the same order the state store lists partitions in. */
function sortIds(ids: string[]): string[] {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
