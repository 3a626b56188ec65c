/**
 * Reads everything the planner needs — metadata snapshots from the source, prior state from the store — and
 * nothing else: no table data is scanned here, so `plan` stays read-only and cheap.
 */
import type { KnownPartitions, KnownRowCount, TableSnapshot, SourceTable } from '../connectors/types.js';
import type { MetricName } from '../profiler/state-types.js';
import type { PlanTableInput } from '../planner/index.js';
import type { TableStateRow } from '../state/index.js';
import type { Context } from './context.js';
import { scrubSecrets } from './context.js';
import { tableMatcher } from './table-filter.js';
import { isTransient, withRetries } from '../profiler/retry.js';

export interface GatheredTable {
  table: SourceTable;
  snapshot?: TableSnapshot;
  prior?: TableStateRow;
  input: PlanTableInput;
}

export async function gatherTables(ctx: Context, patterns?: string[]): Promise<GatheredTable[]> {
  const source = await ctx.source();
  const store = await ctx.store();
  const match = tableMatcher(patterns);
  const tables = (await source.listTables(ctx.config.profiling.tables)).filter((t) => match(t.name));
  const out: GatheredTable[] = [];
  // Stored partition snapshots first: the connector may reuse the row counts of partitions whose files match.
  const stored = new Map<string, Array<{ partitionId: string; snapshot: unknown }>>();
  for (const table of tables) stored.set(table.name, await store.getPartitionSnapshots(table.name));
  const batch = source.snapshotAll ? await withRetries(() => source.snapshotAll!(tables, knownPartitions(stored))) : undefined;
  for (const table of tables) {
    let snapshot: TableSnapshot | undefined;
    let snapshotError: string | undefined;
    try {
      let found = batch ? batch.get(table.name) : await withRetries(() => source.snapshot(table));
      // A batch reports per-table errors instead of throwing: retry a transient one for that table alone.
      if (found instanceof Error && isTransient(found)) found = await withRetries(() => source.snapshot(table));
      if (found instanceof Error) throw found;
      if (!found) throw new Error(`no metadata returned for ${table.name}`);
      snapshot = found;
    } catch (err) {
      snapshotError = scrubSecrets(err instanceof Error ? err.message : String(err), ctx.secrets);
      ctx.logger.warn({ table: table.name }, `metadata unavailable: ${snapshotError}`);
    }
    const prior = await store.getTable(table.name);
    const priorPartitions = (stored.get(table.name) ?? []).map((p) => ({
      id: p.partitionId,
      fingerprint: fingerprintOf(p.snapshot),
    }));
    const metrics: MetricName[] = table.config.metrics ?? ctx.config.profiling.metrics;
    const input: PlanTableInput = {
      name: table.name,
      contract: table.config.contract,
      partition: table.config.partition,
      nativePartitions: (snapshot?.partitions.length ?? 0) > 0,
      statsReset: snapshot ? statsWereReset(prior?.snapshot, snapshot) : false,
      metrics,
      snapshot,
      snapshotError,
      prior,
      priorPartitions,
    };
    out.push({ table, snapshot, prior, input });
  }
  return out;
}

/** Counters only grow between resets; a smaller one, or a new reset time, means they were reset. */
export function statsWereReset(stored: unknown, now: TableSnapshot): boolean {
  if (!stored || typeof stored !== 'object') return false;
  const prior = stored as { counters?: Record<string, number> | null; statsResetAt?: string | null };
  if (now.statsResetAt !== undefined && prior.statsResetAt !== undefined && now.statsResetAt !== prior.statsResetAt) return true;
  if (!now.counters || !prior.counters) return false;
  return Object.entries(now.counters).some(([k, v]) => typeof prior.counters![k] === 'number' && v < prior.counters![k]);
}

function knownPartitions(stored: Map<string, Array<{ partitionId: string; snapshot: unknown }>>): KnownPartitions {
  const out = new Map<string, Map<string, KnownRowCount>>();
  for (const [table, partitions] of stored) {
    const known = new Map<string, KnownRowCount>();
    for (const p of partitions) {
      const fingerprint = fingerprintOf(p.snapshot);
      const rowCount = (p.snapshot as { rowCount?: unknown } | null)?.rowCount;
      if (fingerprint !== null && typeof rowCount === 'number' && Number.isSafeInteger(rowCount) && rowCount >= 0) {
        known.set(p.partitionId, { fingerprint, rowCount });
      }
    }
    if (known.size) out.set(table, known);
  }
  return out;
}

function fingerprintOf(snapshot: unknown): string | null {
  if (snapshot && typeof snapshot === 'object' && 'fingerprint' in snapshot) {
    const f = (snapshot as { fingerprint: unknown }).fingerprint;
    return typeof f === 'string' ? f : null;
  }
  return null;
}

/** What is stored as the table's snapshot: ids and fingerprints, not file lists. */
export function compactSnapshot(s: TableSnapshot): Record<string, unknown> {
  return {
    snapshotId: s.snapshotId,
    schemaHash: s.schemaHash,
    exact: s.exact,
    rowCount: s.rowCount ?? null,
    bytes: s.bytes ?? null,
    takenAt: s.takenAt,
    columns: s.columns.map((c) => ({ name: c.name, type: c.type })),
    partitions: s.partitions.map((p) => ({ id: p.id, fingerprint: p.fingerprint })),
    counters: s.counters ?? null,
    statsResetAt: s.statsResetAt ?? null,
  };
}
