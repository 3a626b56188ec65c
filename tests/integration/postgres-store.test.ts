/**
 * The state store on a real PostgreSQL: the SQLite store's round-trip, partition and atomicity checks, a
 * read-only open that writes nothing, concurrent migrations, and two `baselinr profile` processes (the built
 * CLI) sharing one store without duplicate rows or lost state.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { openPostgresStore } from '../../src/state/postgres.js';
import type { StateStore, TableStateRow } from '../../src/state/index.js';
import { MIGRATIONS } from '../../src/state/migrations.js';
import { HOSTILE_COLUMN, HOSTILE_PARTITION, HOSTILE_TABLE, floatState, fullCommit, partition, profile, run, stringState } from '../unit/state-fixtures.js';
import { BIN, tempDir, writeConfig } from '../helpers/workspace.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';

let db: TestDatabase;
let store: StateStore;
let n = 0;
const open = (schema: string, o: { readOnly?: boolean; createTables?: boolean } = {}) =>
  openPostgresStore({ connection: { url: db.url, schema }, createTables: o.createTables ?? true, readOnly: o.readOnly });

beforeAll(async () => {
  db = await createTestDatabase('store');
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
});
beforeEach(async () => {
  await store?.close();
  // A fresh schema per test: the store creates it, its tables and its migrations there.
  store = await open(`store "${++n}" ü`);
});

describe('postgres state store: round trips and partition semantics', () => {
  it('round-trips every table-state field, hostile names and exotic JSON included', async () => {
    const full: Omit<TableStateRow, 'tableName'> = {
      lastDecision: 'partial', lastReason: 'changed_partitions', lastStatus: 'ok', snapshotId: `snap "1" 'ü' 🦆`,
      snapshot: { files: [{ path: "a'b\"c", size: Number.MAX_SAFE_INTEGER }], nested: [null, true, 1.5e-300] },
      schemaHash: 'sha256:abc', lastProfiledAt: '2026-11-22T10:00:00.123456Z', lastCheckedAt: '2026-11-22T10:05:00Z',
      nextDueAt: '2026-11-23T10:00:00.000Z', intervalMinutes: 1440, deferrals: 3,
      pending: { changed: [HOSTILE_PARTITION], inf: -Infinity, nan: NaN }, profile: profile(HOSTILE_TABLE, Number.MAX_SAFE_INTEGER),
      sampled: true, updatedAt: '2026-11-22T10:05:00.999Z',
    };
    await store.commitTable({ table: { tableName: HOSTILE_TABLE, ...full } });
    expect(await store.getTable(HOSTILE_TABLE)).toEqual({ tableName: HOSTILE_TABLE, ...full });
  });

  it('round-trips partitions (NUL in a JSON string, huge counts), runs and events', async () => {
    const big = partition(HOSTILE_PARTITION, {
      rowCount: Number.MAX_SAFE_INTEGER, sampled: true, snapshot: null,
      columns: { zeta: stringState(), alpha: floatState({ min: 1, max: NaN }), [HOSTILE_COLUMN]: floatState() },
    });
    await store.commitTable({ table: { tableName: HOSTILE_TABLE }, upsertPartitions: [big, partition('a=0', { columns: {} })] });
    const got = await store.getPartitions(HOSTILE_TABLE);
    expect(got).toEqual([partition('a=0', { columns: {} }), big]);
    expect(Object.keys(got[1].columns)).toEqual(['zeta', 'alpha', HOSTILE_COLUMN]);
    // The planner's light read: the same ids and snapshots, in the same order, without the metric states.
    expect(await store.getPartitionSnapshots(HOSTILE_TABLE)).toEqual(got.map((p) => ({ partitionId: p.partitionId, snapshot: p.snapshot })));
    expect(await store.getPartitionSnapshots('nope')).toEqual([]);
    await store.commitTable(fullCommit('a', 'run-a'));
    const failed = run('run-b', HOSTILE_TABLE, { startedAt: '2026-11-22T11:00:00.000Z', finishedAt: null, status: 'failed', rowsScanned: Number.MAX_SAFE_INTEGER, sql: null });
    await store.commitTable({ table: { tableName: HOSTILE_TABLE }, run: failed });
    expect(await store.listRuns()).toEqual([failed, fullCommit('a', 'run-a').run]);
    expect(await store.listRuns({ table: 'a', limit: 1 })).toEqual([fullCommit('a', 'run-a').run]);
    expect((await store.listEvents()).map((e) => [e.eventType, typeof e.id])).toEqual([['ProfilingCompleted', 'number']]);
  });

  it('upsert replaces, remove drops, replaceAll keeps exactly the upserted; > one statement of binds', async () => {
    await store.commitTable(fullCommit('t'));
    await store.commitTable({ table: { tableName: 't' }, upsertPartitions: [partition('p=1', { columns: { only: stringState() } })] });
    expect((await store.getPartitions('t'))[0].columns).toEqual({ only: stringState() });
    await store.commitTable({ table: { tableName: 't' }, removePartitions: ['p=1', 'never'] });
    expect((await store.getPartitions('t')).map((p) => p.partitionId)).toEqual(['p=2']);
    const many = Array.from({ length: 1_234 }, (_, i) => partition(`p=${String(i).padStart(5, '0')}`));
    await store.commitTable({ table: { tableName: 't' }, upsertPartitions: many, replaceAllPartitions: true });
    expect(await store.getPartitions('t')).toHaveLength(1_234);
  });

  it('commitTable is all or nothing: a duplicate partition id midway leaves the previous state', async () => {
    await store.commitTable(fullCommit('t'));
    const before = [await store.getTable('t'), await store.getPartitions('t'), await store.listRuns(), await store.listEvents()];
    const failing = {
      table: { tableName: 't', snapshotId: 'snap-2' }, removePartitions: ['p=2'],
      upsertPartitions: [partition('p=1', { rowCount: 1 }), partition('p=3'), partition('p=3')], run: run('run-2', 't'),
    };
    await expect(store.commitTable(failing)).rejects.toThrow(/duplicate key/);
    expect([await store.getTable('t'), await store.getPartitions('t'), await store.listRuns(), await store.listEvents()]).toEqual(before);
  });
});

describe('postgres state store: opening', () => {
  it('read-only on a schema nobody initialised is empty and creates nothing', async () => {
    const ro = await open('never created', { readOnly: true });
    expect(await ro.listTables()).toEqual([]);
    await expect(ro.commitTable(fullCommit('t'))).rejects.toThrow(/read-only/);
    await ro.close();
    expect(await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'never created'`)).toEqual([]);
  });

  it('concurrent first opens migrate once (advisory lock), and create_tables: false only verifies', async () => {
    const stores = await Promise.all(Array.from({ length: 6 }, () => open('race')));
    await Promise.all(stores.map((s) => s.close()));
    const versions = await db.query<{ scope: string; n: string; d: string }>(
      `SELECT scope, count(*) AS n, count(DISTINCT version) AS d FROM "race".baselinr_schema_version GROUP BY 1 ORDER BY 1`);
    const all = String(MIGRATIONS.length);
    expect(versions).toEqual([{ scope: 'baselinr_table_state', n: all, d: all }, { scope: 'core', n: all, d: all }]);
    await (await open('race', { createTables: false })).close();
    await expect(open('empty', { createTables: false })).rejects.toThrow(/create_tables is false/);
  });
});

describe('two concurrent `baselinr profile` processes on one Postgres store', () => {
  const ws = tempDir();
  afterAll(() => ws.cleanup());
  const cli = (cfg: string, ...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      const p = spawn(process.execPath, [BIN, '-c', cfg, ...args, '--format', 'json']);
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (err += d));
      p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    });

  it('end without duplicate rows or lost state, and the next run skips everything', async () => {
    await db.exec(`CREATE SCHEMA src; CREATE TABLE src.big (k int, v text) PARTITION BY HASH (k)`);
    for (let i = 0; i < 8; i++) await db.exec(`CREATE TABLE src.big_${i} PARTITION OF src.big FOR VALUES WITH (MODULUS 8, REMAINDER ${i})`);
    await db.exec(`INSERT INTO src.big SELECT i, 'v' || i FROM generate_series(1, 20000) i`);
    for (let i = 0; i < 12; i++) await db.exec(`CREATE TABLE src.t${i} AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, ${500 * (i + 1)}) g`);
    const url = JSON.stringify(db.url);
    const cfg = writeConfig(ws.dir, `source: {type: postgres, url: ${url}, schema: src}
storage: {type: postgres, url: ${url}, schema: shared}
hooks: [{type: sql}]
incremental: {adaptive_scheduling: {enabled: false}}
profiling:
  tables: [${['big', ...Array.from({ length: 12 }, (_, i) => `t${i}`)].map((t) => `{table: ${t}}`).join(', ')}]
`);
    const [a, b] = await Promise.all([cli(cfg, 'profile', '--concurrency', '3'), cli(cfg, 'profile', '--concurrency', '2')]);
    expect([a.code, b.code], a.err + b.err).toEqual([0, 0]);
    const count = async (sql: string) => Number((await db.query<{ n: string }>(sql))[0].n);
    // A process that planned after the other had profiled a table finds nothing to do: its skip is the last status.
    expect(await count(`SELECT count(*) AS n FROM shared.baselinr_table_state WHERE last_status IN ('ok', 'skipped') AND profile_json IS NOT NULL`)).toBe(13);
    expect(await count(`SELECT count(*) AS n FROM shared.baselinr_partitions`)).toBe(8 + 12);
    expect(await count(`SELECT count(*) AS n FROM shared.baselinr_metric_states`)).toBe(20 * 2);
    // Each table was profiled by one process or by both (a lease may make the other skip it, writing nothing):
    // every run left exactly one run row and one completion event, none was half-written.
    const entries = [...JSON.parse(a.out).tables, ...JSON.parse(b.out).tables] as Array<{ table: string; status: string }>;
    const ok = entries.filter((e) => e.status === 'ok');
    expect(new Set(ok.map((e) => e.table)).size).toBe(13);
    expect(entries.every((e) => e.status === 'ok' || e.status === 'skipped')).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM shared.baselinr_runs WHERE status = 'ok'`)).toBe(ok.length);
    expect(await count(`SELECT count(*) AS n FROM shared.baselinr_events WHERE event_type = 'ProfilingCompleted'`)).toBe(ok.length);
    const rows = await db.query<{ p: string }>(`SELECT profile_json AS p FROM shared.baselinr_table_state WHERE table_name = 'src.big'`);
    expect(JSON.parse(rows[0].p)).toMatchObject({ row_count: 20000, partitions: 8, columns: { k: { count: 20000, min: 1, max: 20000 } } });
    const again = await cli(cfg, 'profile');
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out).summary).toMatchObject({ skip: 13, full: 0, partial: 0 });
  });
});
