/**
 * Executes one table's decision: one scan over the partitions to profile, then one store transaction that
 * replaces those partitions' states, drops removed ones and stores the merged profile. The snapshot written is
 * the one read before the scan, so a change made during the scan is seen by the next run.
 */
import type { PartitionFact, ScanSource, SourceConnector, SourceTable, TableSnapshot } from '../connectors/types.js';
import type { PartitionRecord, StateStore } from '../state/index.js';
import type { MetricName, PartitionState, TableProfile } from './state-types.js';
import { buildScanQuery } from './scan-query.js';
import { emptyColumnState, parseScanRows } from './scan-result.js';
import { mergePartitionStates } from './merge.js';
import { finalizeProfile } from './finalize.js';
import { bucketOf } from '../planner/watermark.js';
import { withRetries, type RetryOptions } from './retry.js';

export interface ScanScope {
  /** Partition ids to (re)scan; undefined = the whole table. */
  partitions?: string[];
  /** Partitions to drop from the stored states (removed from the source). */
  removed?: string[];
  /** Watermark mode: re-scan rows whose partition key is at or after this UTC bucket start, replace those buckets. */
  watermarkFrom?: string;
  /** Sample the scope at this fraction: the result is flagged and never stored as partition states. */
  sampleFraction?: number;
}

export interface ExecutedScan {
  sql: string;
  rowsScanned: number;
  partitionsProfiled: number;
  profile: TableProfile;
  upserts: PartitionRecord[];
  /** Stored partitions to drop in the same transaction. */
  removed: string[];
  replaceAll: boolean;
}

export function wantsHll(metrics: readonly MetricName[]): boolean {
  return metrics.includes('distinct_count') || metrics.includes('unique_ratio');
}

/** The scan for a scope: the connector's FROM item, narrowed by the table contract, the watermark and sampling. */
export function planScan(connector: SourceConnector, table: SourceTable, snapshot: TableSnapshot, scope: ScanScope, metrics: readonly MetricName[], base?: ScanSource) {
  const d = connector.dialect;
  const source = base ?? connector.scanSource(table, snapshot, scope.partitions);
  const contract = table.config.contract;
  let relation = source.relation;
  let branches = source.branches;
  // Record sets are deduplicated BEFORE any aggregate: the profile describes current records, not versions.
  if (contract.kind === 'record_set' && contract.primaryKey?.length && contract.ordering) {
    relation = d.dedupe(relation, contract.primaryKey, contract.ordering, contract.filter);
    branches = undefined; // a key's versions may sit in different partitions
  } else if (contract.filter) {
    const filter = contract.filter;
    relation = d.filtered(relation, filter);
    branches = branches?.map((b) => d.filtered(b, filter));
  }
  if (scope.sampleFraction !== undefined) {
    relation = d.sample(relation, scope.sampleFraction, 42);
    branches = undefined; // the sketches must see the rows the other metrics saw: one sample
  }
  const key = table.config.partition?.key;
  const where = scope.watermarkFrom && key ? `${d.quoteIdent(key)} >= ${d.timestampLiteral(scope.watermarkFrom)}` : undefined;
  const scan = { ...source, relation, branches };
  const hll = wantsHll(metrics);
  return { source: scan, hll, sql: buildScanQuery(d, scan, snapshot.columns, { hll, where }) };
}

/** `planScan` after the connector's optional metadata step that aligns a partial scan with the table schema. */
export async function planAlignedScan(connector: SourceConnector, table: SourceTable, snapshot: TableSnapshot, scope: ScanScope, metrics: readonly MetricName[], retry?: RetryOptions) {
  let base = connector.scanSource(table, snapshot, scope.partitions);
  // Only a subset of a table's files can disagree with the table's schema; a full scan reads them all.
  if (scope.partitions?.length && connector.alignScan) {
    const unaligned = base;
    base = await withRetries(() => connector.alignScan!(table, snapshot, unaligned), retry);
  }
  return planScan(connector, table, snapshot, scope, metrics, base);
}

export async function scanSql(connector: SourceConnector, table: SourceTable, snapshot: TableSnapshot, scope: ScanScope, metrics: readonly MetricName[]): Promise<string> {
  return (await planAlignedScan(connector, table, snapshot, scope, metrics)).sql;
}

export async function executeScan(args: {
  connector: SourceConnector;
  store: StateStore;
  table: SourceTable;
  snapshot: TableSnapshot;
  scope: ScanScope;
  metrics: readonly MetricName[];
  now: () => Date;
  signal?: AbortSignal;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}): Promise<ExecutedScan> {
  const { connector, table, snapshot, scope, metrics } = args;
  const retry = { signal: args.signal, onRetry: args.onRetry };
  const { source, hll, sql } = await planAlignedScan(connector, table, snapshot, scope, metrics, retry);
  // A partial whose only change is removed partitions has nothing to read: the merge alone updates the profile.
  const nothingToScan = scope.partitions !== undefined && scope.partitions.length === 0;
  const rows = nothingToScan ? [] : await withRetries(
    () => connector.client.query(sql, { kind: 'data', table: table.name, signal: args.signal }),
    retry,
  );
  const scanned = parseScanRows(rows, snapshot.columns, source, hll, connector.dialect.hllTokenWidth);
  const profiledAt = args.now().toISOString();
  const rowsScanned = [...scanned.values()].reduce((s, p) => s + p.rowCount, 0);

  if (scope.sampleFraction !== undefined) {
    // A sample describes the table approximately: it is returned flagged and never stored as partition states.
    const merged = mergeSorted([...scanned.entries()].map(([id, state]) => ({ id, state })), snapshot, hll);
    const profile = scaleSample(
      finalizeProfile({ table: table.name, profiledAt, state: merged, partitions: scanned.size, metrics, sampled: true, sampleFraction: scope.sampleFraction }),
      scope.sampleFraction,
    );
    return { sql, rowsScanned, partitionsProfiled: scanned.size, profile, upserts: [], removed: [], replaceAll: false };
  }

  // Partitions the snapshot knows but the scan found empty still get a state: their snapshot must be stored.
  for (const id of scope.partitions ?? (scope.watermarkFrom ? [] : snapshot.partitions.map((p) => p.id))) {
    if (!scanned.has(id)) scanned.set(id, emptyPartition(snapshot, hll));
  }
  const facts = new Map(snapshot.partitions.map((p) => [p.id, p]));
  const upserts: PartitionRecord[] = [...scanned.entries()].map(([partitionId, state]) => ({
    partitionId,
    snapshot: partitionSnapshot(facts.get(partitionId)),
    rowCount: state.rowCount,
    sampled: false,
    profiledAt,
    columns: state.columns,
  }));

  const replaceAll = scope.partitions === undefined && scope.watermarkFrom === undefined;
  const stored = replaceAll ? [] : await args.store.getPartitions(table.name);
  // Watermark mode replaces every bucket from the lower bound on: a stored bucket there that the scan did not
  // return has no rows any more.
  const removed = new Set(scope.removed ?? []);
  if (scope.watermarkFrom) {
    for (const p of stored) {
      const b = bucketOf(p.partitionId);
      if (b !== null && b >= scope.watermarkFrom && !scanned.has(p.partitionId)) removed.add(p.partitionId);
    }
  }
  const kept = stored
    .filter((p) => !scanned.has(p.partitionId) && !removed.has(p.partitionId))
    .map((p) => ({ id: p.partitionId, state: { rowCount: p.rowCount, columns: p.columns } }));
  const all = [...kept, ...upserts.map((u) => ({ id: u.partitionId, state: { rowCount: u.rowCount, columns: u.columns } }))];
  const merged = mergeSorted(all, snapshot, hll);
  const profile = finalizeProfile({ table: table.name, profiledAt, state: merged, partitions: all.length, metrics });
  return { sql, rowsScanned, partitionsProfiled: upserts.length, profile, upserts, removed: [...removed].sort(), replaceAll };
}

/** What is stored with a partition's states: its fingerprint, and the metadata row count when there is one. */
function partitionSnapshot(fact: PartitionFact | undefined): PartitionRecord['snapshot'] {
  if (!fact) return null;
  return fact.rowCount === undefined ? { fingerprint: fact.fingerprint } : { fingerprint: fact.fingerprint, rowCount: fact.rowCount };
}

/** Merge in partition-id order so float sums are reproducible between full and incremental runs. */
function mergeSorted(parts: Array<{ id: string; state: PartitionState }>, snapshot: TableSnapshot, hll: boolean): PartitionState {
  if (parts.length === 0) return emptyPartition(snapshot, hll);
  const sorted = [...parts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return mergePartitionStates(sorted.map((p) => p.state));
}

/** Row and value counts of a sample, scaled to the table; ratios, extremes and means stay as measured. */
function scaleSample(profile: TableProfile, fraction: number): TableProfile {
  const scale = (n: number | undefined) => (n === undefined ? undefined : Math.round(n / fraction));
  const columns = Object.fromEntries(
    Object.entries(profile.columns).map(([k, c]) => [k, { ...c, count: scale(c.count), null_count: scale(c.null_count) }]),
  );
  return { ...profile, row_count: scale(profile.row_count) ?? 0, sampled_rows: profile.row_count, columns };
}

function emptyPartition(snapshot: TableSnapshot, hll: boolean): PartitionState {
  const entries = snapshot.columns.map((c) => [c.name, emptyColumnState(c, hll)] as const);
  return { rowCount: 0, columns: Object.fromEntries(entries) };
}
