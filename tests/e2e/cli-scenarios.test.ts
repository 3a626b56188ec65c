/**
 * Change detection and planning through the CLI on real DuckDB/Parquet, step by step, with the query log
 * (`--query-log`) proving what was scanned: no-change ticks and `plan` run zero data queries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { cli, tempDir } from '../helpers/workspace.js';

const ws = tempDir('baselinr-scen-');
const lake = join(ws.dir, 'lake', 'orders');
const cfg = join(ws.dir, 'baselinr.yml');
const logFile = join(ws.dir, 'queries.jsonl');
let fileSeq = 0;
let clock = Date.now() / 1000;

async function writeParquet(partition: string, select: string): Promise<string> {
  const dir = join(lake, partition);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `part-${++fileSeq}.parquet`);
  const c = await DuckDBClient.open(':memory:');
  await c.exec(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  await c.close();
  clock += 10; // strictly increasing mtimes: a rewrite within the same millisecond is still seen
  utimesSync(file, clock, clock);
  return file;
}

function run(args: string[], env: Record<string, string> = {}) {
  rmSync(logFile, { force: true });
  const r = cli(['-c', cfg, '--format', 'json', '--query-log', logFile, ...args], { env });
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  return { ...r, doc: r.stdout ? r.json() : undefined, dataQueries: log.filter((q: any) => q.kind === 'data') };
}

const byTable = (doc: any) => Object.fromEntries(doc.tables.map((t: any) => [t.table, t]));

beforeAll(async () => {
  for (const p of [1, 2, 3]) {
    await writeParquet(`p=${p}`, `SELECT i AS id, i * ${p} AS amount, 'n' || i AS name FROM range(${p * 100}) t(i)`);
  }
  const c = await DuckDBClient.open(join(ws.dir, 'w.duckdb'));
  await c.exec(`CREATE TABLE main.accounts AS SELECT range AS id, 'a' || range AS name FROM range(50)`);
  await c.close();
  writeFileSync(cfg, `source: {type: duckdb, path: ./w.duckdb}
incremental:
  adaptive_scheduling: {enabled: false}
  change_detection: {snapshot_ttl_minutes: 1440}
profiling:
  tables:
    - name: orders
      parquet: ./lake/orders
    - table: accounts
`);
});
afterAll(() => ws.cleanup());

describe('plan/profile scenarios', () => {
  it('first run: plan is first_run everywhere and scans nothing', () => {
    const r = run(['plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.doc.tables.map((t: any) => `${t.decision}/${t.reason}`)).toEqual(['full/first_run', 'full/first_run']);
    expect(r.dataQueries).toHaveLength(0);
    expect(existsSync(join(ws.dir, '.baselinr'))).toBe(false);
  });

  it('--dry-run prints the SQL and writes nothing', () => {
    const r = run(['profile', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(byTable(r.doc).orders.sql).toContain('read_parquet(');
    expect(r.dataQueries).toHaveLength(0);
    expect(existsSync(join(ws.dir, '.baselinr'))).toBe(false);
  });

  it('profiles everything on the first run', () => {
    const r = run(['profile']);
    expect(r.code, r.stderr).toBe(0);
    expect(byTable(r.doc).orders).toMatchObject({ status: 'ok', rows_scanned: 600, partitions_profiled: 3 });
    expect(r.dataQueries).toHaveLength(2);
  });

  it('no change: every table skip/snapshot_match, zero data scans for plan and profile, exit 0', () => {
    const p = run(['plan']);
    expect(p.doc.tables.map((t: any) => `${t.decision}/${t.reason}`)).toEqual(['skip/snapshot_match', 'skip/snapshot_match']);
    expect(p.dataQueries).toHaveLength(0);
    const r = run(['profile']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.doc.tables.every((t: any) => t.status === 'skipped' && t.rows_scanned === 0)).toBe(true);
    expect(r.dataQueries).toHaveLength(0);
  });

  it('one file added to one partition: partial/changed_partitions naming exactly it, scanning only it', async () => {
    await writeParquet('p=2', `SELECT 1000 + i AS id, i AS amount, 'late' AS name FROM range(7) t(i)`);
    const p = run(['plan']);
    expect(byTable(p.doc).orders).toMatchObject({ decision: 'partial', reason: 'changed_partitions', changed_partitions: ['p=2'] });
    expect(p.dataQueries).toHaveLength(0);
    const r = run(['profile']);
    expect(byTable(r.doc).orders).toMatchObject({ status: 'ok', rows_scanned: 207, partitions_profiled: 1 });
    expect(byTable(r.doc).orders.profile.row_count).toBe(607);
    expect(r.dataQueries).toHaveLength(1);
    expect(r.dataQueries[0].sql).toContain('/p=2/');
    expect(r.dataQueries[0].sql).not.toContain('/p=1/');
    expect(byTable(r.doc)['main.accounts'].decision).toBe('skip');
  });

  it('a partition removed: partial with the removal, nothing scanned, profile shrinks', () => {
    rmSync(join(lake, 'p=3'), { recursive: true });
    const r = run(['profile']);
    expect(byTable(r.doc).orders).toMatchObject({ decision: 'partial', reason: 'changed_partitions', changed_partitions: [], removed_partitions: ['p=3'], rows_scanned: 0 });
    expect(byTable(r.doc).orders.profile).toMatchObject({ row_count: 307, partitions: 2 });
  });

  it('a column added: full/schema_changed', async () => {
    await writeParquet('p=4', `SELECT i AS id, i AS amount, 'x' AS name, true AS vip FROM range(5) t(i)`);
    const r = run(['profile']);
    expect(byTable(r.doc).orders).toMatchObject({ decision: 'full', reason: 'schema_changed', status: 'ok' });
    expect(byTable(r.doc).orders.profile.columns.vip).toMatchObject({ count: 5, null_count: 307 });
  });

  it('a DuckDB table written to: full/snapshot_changed', async () => {
    const c = await DuckDBClient.open(join(ws.dir, 'w.duckdb'));
    await c.exec(`INSERT INTO main.accounts VALUES (999, 'new')`);
    await c.close();
    const r = run(['profile']);
    expect(byTable(r.doc)['main.accounts']).toMatchObject({ decision: 'full', reason: 'snapshot_changed', status: 'ok' });
    expect(byTable(r.doc)['main.accounts'].profile.row_count).toBe(51);
  });

  it('a snapshot older than the TTL: full/ttl_expired', () => {
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const r = run(['plan'], { BASELINR_NOW: later });
    expect(r.doc.tables.map((t: any) => `${t.decision}/${t.reason}`)).toEqual(['full/ttl_expired', 'full/ttl_expired']);
  });

  it('adaptive scheduling: a table checked recently is skip/not_due until next_due_at', () => {
    const adaptive = join(ws.dir, 'adaptive.yml');
    writeFileSync(adaptive, readFileSync(cfg, 'utf8')
      .replace('adaptive_scheduling: {enabled: false}', 'adaptive_scheduling: {enabled: true}')
      .replace('snapshot_ttl_minutes: 1440', 'snapshot_ttl_minutes: 100000'));
    const first = cli(['-c', adaptive, '--format', 'json', 'profile']);
    expect(first.code, first.stderr).toBe(0);
    const r = cli(['-c', adaptive, '--format', 'json', 'plan']);
    const t = byTable(r.json()).orders;
    expect(t).toMatchObject({ decision: 'skip', reason: 'not_due' });
    expect(new Date(t.next_due_at).getTime()).toBeGreaterThan(Date.now());
    const due = cli(['-c', adaptive, '--format', 'json', 'plan'], { env: { BASELINR_NOW: new Date(Date.parse(t.next_due_at) + 1000).toISOString() } });
    expect(byTable(due.json()).orders.reason).toBe('snapshot_match');
  });

  it('state explains every table', () => {
    const r = run(['state']);
    expect(r.doc.tables.map((t: any) => t.table).sort()).toEqual(['main.accounts', 'orders']);
    expect(r.doc.tables.every((t: any) => t.last_decision && t.last_reason && t.last_checked_at)).toBe(true);
  });
});
