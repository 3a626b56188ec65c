/**
 * A partitioned table's sketches are grouped per child before the UNION ALL (`hllRegistersUnion`). These tests
 * run the same scan both ways on a real server and require identical registers and counts, with a contract filter
 * applied per branch, and check that a sample or a record-set dedupe (which must see one row set) falls back to
 * the single grouping, as does a table whose worst-case per-child grouping memory is over `sketch_memory_mb`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../connectors/postgres/index.js';
import { partitionedRelation, sketchGroupingBytes } from '../../connectors/postgres/partition-scan.js';
import { PostgresDialect } from '../../connectors/postgres/dialect.js';
import type { SourceConnector, SourceTable, TableSnapshot } from '../../src/connectors/types.js';
import type { TableConfig } from '../../src/config/types.js';
import { planScan, type ScanScope } from '../../src/profiler/executor.js';
import { buildScanQuery } from '../../src/profiler/scan-query.js';
import { ALL_METRICS } from '../../src/profiler/state-types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';

// Hostile on purpose: quotes, a space, a semicolon and a reserved word in the parent, child and column names.
const SCHEMA = 'Sk "x"';
const PARENT = 'ev; "select"';
const COLS = ['"id"', 'order', 'na me', 'day'];

let db: TestDatabase;
let connector: SourceConnector;
let table: SourceTable;
let snap: TableSnapshot;

function sourceTable(extra: Partial<TableConfig> = {}): SourceTable {
  const name = `${SCHEMA}.${PARENT}`;
  return { name, config: { name, kind: 'table', schema: SCHEMA, table: PARENT, contract: { kind: 'snapshot' }, ...extra } };
}

beforeAll(async () => {
  db = await createTestDatabase('branches');
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const parent = `${q(SCHEMA)}.${q(PARENT)}`;
  await db.exec(`CREATE SCHEMA ${q(SCHEMA)}`);
  await db.exec(`CREATE TABLE ${parent} (${q(COLS[0])} bigint, ${q(COLS[1])} double precision, ${q(COLS[2])} text, ${q(COLS[3])} date) PARTITION BY RANGE (${q(COLS[3])})`);
  for (let m = 1; m <= 6; m++) {
    await db.exec(`CREATE TABLE ${q(SCHEMA)}.${q(`ev ${m}; "x"`)} PARTITION OF ${parent} FOR VALUES FROM ('2026-0${m}-01') TO ('2026-0${m + 1}-01')`);
  }
  await db.exec(`CREATE TABLE ${q(SCHEMA)}.${q('ev default')} PARTITION OF ${parent} DEFAULT`);
  // Overlapping values across children: a union grouping and per-child groupings see the same buckets.
  await db.exec(`INSERT INTO ${parent} SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 997) / 7.0 END,
    CASE WHEN i % 13 = 0 THEN NULL ELSE 'n' || (i % 503) END, DATE '2026-01-01' + (i % 200)
    FROM generate_series(1, 20000) i`);
  connector = await createConnector({ type: 'postgres', url: db.url, schema: SCHEMA });
  table = sourceTable();
  snap = await connector.snapshot(table);
});
afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

type Row = Record<string, unknown>;
const run = (sql: string) => db.query<Row>(sql);
/** The partition, row and null counts and the sketches: what a per-branch grouping could get wrong. */
const essentials = (rows: Row[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k === '__p' || k === '__rows' || k.endsWith('_n') || k.startsWith('__h'))));

describe('PostgreSQL sketches grouped per child', () => {
  it('give the same registers as one grouping over the union, for all or some children', async () => {
    const all = snap.partitions.map((p) => p.id);
    expect(all.length).toBe(7);
    for (const partitions of [undefined, all.slice(2, 5), [all[6]]]) {
      const source = connector.scanSource(table, snap, partitions);
      expect(source.branches?.length).toBe(partitions?.length ?? 7);
      const perChild = buildScanQuery(connector.dialect, source, snap.columns, { hll: true });
      const union = buildScanQuery(connector.dialect, { ...source, branches: undefined }, snap.columns, { hll: true });
      expect(perChild.match(/GROUP BY __p, __k$/gm)?.length).toBe(source.branches!.length);
      expect(union.match(/GROUP BY __p, __k$/gm)?.length).toBe(1);
      const [a, b] = [await run(perChild), await run(union)];
      expect(a.length).toBe(partitions?.length ?? 7);
      expect(a.every((r) => Array.isArray(r.__hr) && (r.__hr as string[]).length === COLS.length)).toBe(true);
      expect(essentials(a)).toEqual(essentials(b));
    }
  });

  it('filter each branch by the contract filter, and agree with the filtered union', async () => {
    const filtered = sourceTable({ contract: { kind: 'snapshot', filter: `"order" > 50` } });
    const scan = planScan(connector, filtered, snap, {}, ALL_METRICS);
    expect(scan.source.branches?.every((b) => b.includes('("order" > 50)'))).toBe(true);
    const union = buildScanQuery(connector.dialect, { ...scan.source, branches: undefined }, snap.columns, { hll: true });
    const [a, b] = [await run(scan.sql), await run(union)];
    expect(essentials(a)).toEqual(essentials(b));
    const unfiltered = await run(planScan(connector, table, snap, {}, ALL_METRICS).sql);
    expect(a.reduce((s, r) => s + Number(r.__rows), 0)).toBeLessThan(unfiltered.reduce((s, r) => s + Number(r.__rows), 0));
  });

  it('fall back to one grouping when the rows are sampled or deduplicated', () => {
    const sampled: ScanScope = { sampleFraction: 0.5 };
    expect(planScan(connector, table, snap, sampled, ALL_METRICS).source.branches).toBeUndefined();
    const records = sourceTable({ contract: { kind: 'record_set', primaryKey: [COLS[0]], ordering: COLS[3] } });
    expect(planScan(connector, records, snap, {}, ALL_METRICS).source.branches).toBeUndefined();
    expect(planScan(connector, table, snap, {}, ALL_METRICS).source.branches?.length).toBe(7);
  });

  it('are grouped per child only while the worst case fits the memory budget', async () => {
    const refs = snap.partitions.map((p, i) => ({ id: p.id, ref: { schema: SCHEMA, name: `c${i}`, readable: true } }));
    const worst = sketchGroupingBytes(refs.length, snap.columns.length);
    expect(worst).toBe(7 * 4 * 4096 * 130);
    const d = new PostgresDialect();
    expect(partitionedRelation(d, '"p"', snap.columns, refs, worst).branches).toHaveLength(7);
    expect(partitionedRelation(d, '"p"', snap.columns, refs, worst - 1).branches).toBeUndefined();
    // `sketch_memory_mb: 0` turns it off; the profile's registers do not depend on it.
    const off = await createConnector({ type: 'postgres', url: db.url, schema: SCHEMA, sketchMemoryMb: 0 });
    try {
      const offSnap = await off.snapshot(table);
      const source = off.scanSource(table, offSnap);
      expect(source.branches).toBeUndefined();
      const single = await run(buildScanQuery(off.dialect, source, offSnap.columns, { hll: true }));
      const perChild = await run(planScan(connector, table, snap, {}, ALL_METRICS).sql);
      expect(essentials(single)).toEqual(essentials(perChild));
    } finally {
      await off.close();
    }
  });
});
