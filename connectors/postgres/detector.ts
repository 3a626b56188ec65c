/**
 * Turns catalog facts into a TableSnapshot. What proves a relation unchanged: its activity counters
 * (n_tup_ins/upd/del only ever grow between statistics resets, and every committed or rolled-back row change
 * bumps one), its relfilenode (TRUNCATE, VACUUM FULL, CLUSTER and rewrites swap it without touching the
 * counters) and its size. n_live_tup is not part of it: ANALYZE re-estimates it without any data change.
 */
import { randomUUID } from 'node:crypto';
import type { ColumnInfo, PartitionFact, SourceTable, TableSnapshot } from '../../src/connectors/types.js';
import { snapshotIds } from '../../src/connectors/snapshot-id.js';
import type { CatalogTable, LeafFacts, ServerFacts } from './catalog.js';
import type { PostgresDialect } from './dialect.js';

export const WHOLE_TABLE = '__all__';

/** Where a partition's rows live, for the scan. */
export interface LeafRef {
  schema: string;
  name: string;
  readable: boolean;
}

export interface Detected {
  snapshot: TableSnapshot;
  partitioned: boolean;
  /** Partition id → relation (partitioned tables only). */
  leaves: Map<string, LeafRef>;
}

export function detect(table: SourceTable, cat: CatalogTable, server: ServerFacts, d: PostgresDialect): Detected {
  const schema = table.config.schema ?? 'public';
  const columns: ColumnInfo[] = cat.columns.map((c) => ({ name: c.name, type: c.type, kind: d.columnKind(c.type) }));
  // On a standby the counters only count the standby's own (absent) writes, and with track_counts off they
  // never move: nothing can be proven then, only catalog-level change (DDL, rewrites) can still be seen.
  const countersTrusted = !server.inRecovery && server.trackCounts;
  const provable = (l: LeafFacts) => countersTrusted && l.hasStats;
  const nonce = randomUUID();
  const fingerprint = (l: LeafFacts) => (provable(l) ? proof(l) : `unproven:${nonce}`);
  // The id ignores the nonce: an unchanged catalog keeps the same id, so the planner says metadata_unavailable.
  const stable = (l: LeafFacts) => (provable(l) ? proof(l) : `${l.oid}:${l.relfilenode}`);
  const exact = cat.leaves.length > 0 ? cat.leaves.every(provable) : countersTrusted;
  const rows = (l: LeafFacts) => (l.hasStats ? l.live : Math.max(0, l.reltuples));
  const rowCount = sum(cat.leaves.map(rows));
  const bytes = sum(cat.leaves.map((l) => l.bytes));
  const counters: Record<string, number> = {};
  for (const l of cat.leaves.filter((x) => x.hasStats)) {
    counters[`${l.oid}.ins`] = l.ins;
    counters[`${l.oid}.upd`] = l.upd;
    counters[`${l.oid}.del`] = l.del;
  }
  const common = { exact, columns, rowCount, bytes, takenAt: new Date().toISOString(), counters, statsResetAt: server.statsEpoch };

  if (cat.relkind !== 'p') {
    // One relation (plus legacy inheritance children, which a scan of the parent reads too): one fact.
    const whole = (f: (l: LeafFacts) => string): PartitionFact => ({
      id: WHOLE_TABLE, rowCount, bytes, fingerprint: `${cat.relkind}|${cat.leaves.map(f).join(',')}`,
    });
    const ids = snapshotIds(columns, [whole(stable)]);
    return { snapshot: { ...ids, ...common, partitions: [] }, partitioned: false, leaves: new Map() };
  }

  const leaves = new Map<string, LeafRef>();
  const facts = (f: (l: LeafFacts) => string): PartitionFact[] =>
    cat.leaves.map((l) => ({ id: partitionId(l, schema), rowCount: rows(l), bytes: l.bytes, fingerprint: f(l) }));
  for (const l of cat.leaves) leaves.set(partitionId(l, schema), { schema: l.schema, name: l.name, readable: l.readable });
  const partitions = facts(fingerprint).sort(byId);
  const ids = snapshotIds(columns, facts(stable).sort(byId));
  return { snapshot: { ...ids, ...common, partitions }, partitioned: true, leaves };
}

function proof(l: LeafFacts): string {
  return `${l.oid}:${l.relfilenode}:${l.ins}:${l.upd}:${l.del}:${l.bytes}`;
}

/** The child's name; qualified only when it lives in another schema than its parent. */
function partitionId(l: LeafFacts, parentSchema: string): string {
  return l.schema === parentSchema ? l.name : `${l.schema}.${l.name}`;
}

function byId(a: PartitionFact, b: PartitionFact): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
