/**
 * Executes one table's decision: one scan over the partitions to profile, then one store transaction that
 * replaces those partitions' states, drops removed ones and stores the merged profile. The snapshot written is
 * the one read before the scan, so a change made during the scan is seen by the next run.
 */
import type { SourceConnector, SourceTable, TableSnapshot } from '../connectors/types.js';
import type { PartitionRecord, StateStore } from '../state/index.js';
import type { MetricName, PartitionState, TableProfile } from './state-types.js';
import { buildScanQuery } from './scan-query.js';
import { emptyColumnState, parseScanRows } from './scan-result.js';
import { mergePartitionStates } from './merge.js';
import { finalizeProfile } from './finalize.js';

export interface ScanScope {
  /** Partition ids to (re)scan; undefined = the whole table. */
  partitions?: string[];
  /** Partitions to drop from the stored states (removed from the source). */
  removed?: string[];
}

export interface ExecutedScan {
  sql: string;
  rowsScanned: number;
  partitionsProfiled: number;
  profile: TableProfile;
  upserts: PartitionRecord[];
  replaceAll: boolean;
}

export function wantsHll(metrics: readonly MetricName[]): boolean {
  return metrics.includes('distinct_count') || metrics.includes('unique_ratio');
}

export function scanSql(connector: SourceConnector, table: SourceTable, snapshot: TableSnapshot, scope: ScanScope, metrics: readonly MetricName[]): string {
  const source = connector.scanSource(table, snapshot, scope.partitions);
  return buildScanQuery(connector.dialect, source, snapshot.columns, { hll: wantsHll(metrics) });
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
}): Promise<ExecutedScan> {
  const { connector, table, snapshot, scope, metrics } = args;
  const hll = wantsHll(metrics);
  const source = connector.scanSource(table, snapshot, scope.partitions);
  const sql = buildScanQuery(connector.dialect, source, snapshot.columns, { hll });
  const rows = await connector.client.query(sql, { kind: 'data', table: table.name, signal: args.signal });
  const scanned = parseScanRows(rows, snapshot.columns, source, hll);
  const profiledAt = args.now().toISOString();

  // Partitions the snapshot knows but the scan found empty still get a state: their snapshot must be stored.
  const factIds = scope.partitions ?? snapshot.partitions.map((p) => p.id);
  for (const id of factIds) {
    if (!scanned.has(id)) scanned.set(id, emptyPartition(snapshot, hll));
  }
  const facts = new Map(snapshot.partitions.map((p) => [p.id, p]));
  const upserts: PartitionRecord[] = [...scanned.entries()].map(([partitionId, state]) => ({
    partitionId,
    snapshot: facts.has(partitionId) ? { fingerprint: facts.get(partitionId)!.fingerprint } : null,
    rowCount: state.rowCount,
    sampled: false,
    profiledAt,
    columns: state.columns,
  }));

  const replaceAll = scope.partitions === undefined;
  const kept = replaceAll ? [] : await keptPartitions(args.store, table.name, scanned, scope.removed ?? []);
  const all = [...kept, ...upserts.map((u) => ({ id: u.partitionId, state: { rowCount: u.rowCount, columns: u.columns } }))];
  // Merge in partition-id order so float sums are reproducible between full and incremental runs.
  all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const merged = all.length > 0 ? mergePartitionStates(all.map((p) => p.state)) : emptyPartition(snapshot, hll);
  const profile = finalizeProfile({ table: table.name, profiledAt, state: merged, partitions: all.length, metrics });
  const rowsScanned = upserts.reduce((s, u) => s + u.rowCount, 0);
  return { sql, rowsScanned, partitionsProfiled: upserts.length, profile, upserts, replaceAll };
}

async function keptPartitions(
  store: StateStore,
  table: string,
  scanned: Map<string, PartitionState>,
  removed: string[],
): Promise<Array<{ id: string; state: PartitionState }>> {
  const drop = new Set(removed);
  return (await store.getPartitions(table))
    .filter((p) => !scanned.has(p.partitionId) && !drop.has(p.partitionId))
    .map((p) => ({ id: p.partitionId, state: { rowCount: p.rowCount, columns: p.columns } }));
}

function emptyPartition(snapshot: TableSnapshot, hll: boolean): PartitionState {
  const entries = snapshot.columns.map((c) => [c.name, emptyColumnState(c, hll)] as const);
  return { rowCount: 0, columns: Object.fromEntries(entries) };
}
