/**
 * The Postgres change detector against a real catalog: unchanged → same exact snapshot; each kind of change
 * moves the fingerprint of exactly the partition it touched; pg_stat_reset() is seen as a reset; planning
 * 1,000 tables in 10 schemas costs one catalog query per schema and no data scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../connectors/postgres/index.js';
import type { SourceConnector, SourceTable, TableSnapshot } from '../../src/connectors/types.js';
import type { TableConfig } from '../../src/config/index.js';
import { compactSnapshot, statsWereReset } from '../../src/api/gather.js';
import { computePlan } from '../../src/api/plan.js';
import { contextFor, tempDir } from '../helpers/workspace.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';

let db: TestDatabase;
let conn: SourceConnector;
const ws = tempDir();
const table = (schema: string, name: string): SourceTable => ({
  name: `${schema}.${name}`,
  config: { name: `${schema}.${name}`, kind: 'table', schema, table: name, contract: { kind: 'snapshot' } } as TableConfig,
});
const PLAIN = table('d', 'plain');
const PART = table('d', 'part');
const snap = async (t: SourceTable): Promise<TableSnapshot> => conn.snapshot(t);
const prints = (s: TableSnapshot) => Object.fromEntries(s.partitions.map((p) => [p.id, p.fingerprint]));

/** Partition ids whose fingerprint differs (or that appeared/disappeared) between two snapshots. */
function moved(a: TableSnapshot, b: TableSnapshot): string[] {
  const pa = prints(a);
  const pb = prints(b);
  return [...new Set([...Object.keys(pa), ...Object.keys(pb)])].filter((id) => pa[id] !== pb[id]).sort();
}

beforeAll(async () => {
  db = await createTestDatabase('detector');
  await db.exec(`CREATE SCHEMA d; CREATE TABLE d.plain (id int, v text); INSERT INTO d.plain SELECT i, 'x' || i FROM generate_series(1, 100) i`);
  await db.exec(`CREATE TABLE d.part (k int, v text) PARTITION BY LIST (k)`);
  for (let k = 0; k < 5; k++) await db.exec(`CREATE TABLE d.p${k} PARTITION OF d.part FOR VALUES IN (${k})`);
  await db.exec(`INSERT INTO d.part SELECT i % 5, 'v' || i FROM generate_series(1, 500) i`);
  conn = await createConnector({ type: 'postgres', url: db.url, schema: 'public' });
});
afterAll(async () => {
  await conn?.close();
  await db?.drop();
  ws.cleanup();
});

describe('Postgres change detection', () => {
  it('no change: the same exact snapshot ids', async () => {
    const [a, b] = [await snap(PART), await snap(PART)];
    expect(a.exact).toBe(true);
    expect(b.snapshotId).toBe(a.snapshotId);
    expect(a.partitions.map((p) => p.id)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(a.partitions.map((p) => p.rowCount)).toEqual([100, 100, 100, 100, 100]);
    const [c, d] = [await snap(PLAIN), await snap(PLAIN)];
    expect([c.exact, c.partitions.length, c.rowCount, d.snapshotId]).toEqual([true, 0, 100, c.snapshotId]);
  });

  it.each([
    ['INSERT', `INSERT INTO d.part VALUES (2, 'new')`, ['p2']],
    ['UPDATE', `UPDATE d.part SET v = v || '!' WHERE k = 3 AND v = 'v3'`, ['p3']],
    ['DELETE', `DELETE FROM d.part WHERE k = 1 AND v = 'v1'`, ['p1']],
    ['TRUNCATE', `TRUNCATE d.p4`, ['p4']],
    ['rolled-back INSERT (a harmless false change)', `BEGIN; INSERT INTO d.p0 VALUES (0, 'gone'); ROLLBACK`, ['p0']],
    ['ATTACH PARTITION', `CREATE TABLE d.p9 (k int, v text); INSERT INTO d.p9 VALUES (9, 'z'); ALTER TABLE d.part ATTACH PARTITION d.p9 FOR VALUES IN (9)`, ['p9']],
    ['DETACH PARTITION', `ALTER TABLE d.part DETACH PARTITION d.p0`, ['p0']],
    ['an UPDATE matching no row', `UPDATE d.part SET v = 'never' WHERE k = 2 AND v = 'no such value'`, []],
  ])('%s moves exactly the touched partition', async (_what, sql, expected) => {
    const [before, plainBefore] = [await snap(PART), await snap(PLAIN)];
    await db.exec(sql);
    const after = await snap(PART);
    expect(moved(before, after)).toEqual(expected);
    expect(after.snapshotId === before.snapshotId).toBe(expected.length === 0);
    expect((await snap(PLAIN)).snapshotId).toBe(plainBefore.snapshotId);
  });

  it.each([
    ['INSERT', `INSERT INTO d.plain VALUES (1000, 'y')`],
    ['UPDATE', `UPDATE d.plain SET v = 'u' WHERE id = 5`],
    ['DELETE', `DELETE FROM d.plain WHERE id = 6`],
    ['TRUNCATE', `TRUNCATE d.plain`],
  ])('%s on a plain table changes its snapshot', async (_what, sql) => {
    const before = await snap(PLAIN);
    await db.exec(sql);
    expect((await snap(PLAIN)).snapshotId).not.toBe(before.snapshotId);
  });

  it('pg_stat_reset() is a statistics reset', async () => {
    const before = await snap(PART);
    const stored = JSON.parse(JSON.stringify(compactSnapshot(before)));
    expect(statsWereReset(stored, await snap(PART))).toBe(false);
    await db.exec(`SELECT pg_stat_reset()`);
    const after = await snap(PART);
    expect(after.statsResetAt).not.toBe(before.statsResetAt);
    expect(statsWereReset(stored, after)).toBe(true);
  });

  it('a missing table is an error for that table only', async () => {
    const res = await conn.snapshotAll!([PLAIN, table('d', 'nope'), table('nowhere', 'x')]);
    expect(res.get('d.plain')).not.toBeInstanceOf(Error);
    expect(String(res.get('d.nope'))).toMatch(/does not exist/);
    expect(String(res.get('nowhere.x'))).toMatch(/does not exist/);
  });
});

describe('planning many tables', () => {
  beforeAll(async () => {
    for (let s = 0; s < 10; s++) {
      await db.exec(`CREATE SCHEMA many${s}; DO $$ BEGIN FOR i IN 0..99 LOOP
        EXECUTE format('CREATE TABLE many${s}.t%s (id int, v text)', i); END LOOP; END $$`);
    }
  });

  it('1,000 configured tables in 10 schemas: ≤ 10 catalog queries, zero data scans', async () => {
    const entries = Array.from({ length: 1000 }, (_, i) => `    - {schema: many${i % 10}, table: t${Math.floor(i / 10)}}`);
    const yaml = `source: {type: postgres, url: ${JSON.stringify(db.url)}}\nprofiling:\n  tables:\n${entries.join('\n')}\n`;
    const connector = await createConnector({ type: 'postgres', url: db.url, schema: 'public' });
    const ctx = contextFor(ws.dir, yaml, { readOnly: true, connector });
    const started = Date.now();
    const { result } = await computePlan(ctx, {});
    const ms = Date.now() - started;
    await ctx.close();
    await connector.close();
    expect(result.tables).toHaveLength(1000);
    expect(result.summary.full).toBe(1000);
    expect(result.tables.every((t) => t.reason === 'first_run')).toBe(true);
    const log = connector.client.queryLog;
    expect(log.filter((e) => e.kind === 'data')).toHaveLength(0);
    expect(log.filter((e) => e.kind === 'metadata').length).toBeLessThanOrEqual(10);
    console.log(`plan of 1,000 tables: ${log.length} catalog queries, ${ms} ms`);
  });

  it('discovered tables (nothing configured): one listing query more, still no data scan', async () => {
    const connector = await createConnector({ type: 'postgres', url: db.url, schema: 'public' });
    const tables = await connector.listTables([]);
    const many = tables.filter((t) => t.name.startsWith('many'));
    expect(many).toHaveLength(1000);
    const res = await connector.snapshotAll!(tables);
    await connector.close();
    expect([...res.values()].filter((v) => v instanceof Error)).toEqual([]);
    const schemas = new Set(tables.map((t) => t.config.schema)).size;
    expect(connector.client.queryLog.every((e) => e.kind === 'metadata')).toBe(true);
    expect(connector.client.queryLog.length).toBe(1 + schemas);
  });
});
