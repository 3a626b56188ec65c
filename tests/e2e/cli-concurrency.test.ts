/**
 * Two `baselinr profile` processes against one SQLite state store: no table is profiled twice (the loser reports
 * skip/locked or finds nothing to do), no state is lost, and the stored profiles equal a full profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { BIN, cli, tempDir, writeConfig } from '../helpers/workspace.js';
import { openSqliteStore } from '../../src/state/index.js';

const ws = tempDir('baselinr-conc-');
const TABLES = 8;
let cfg: string;

beforeAll(async () => {
  const c = await DuckDBClient.open(':memory:');
  for (let t = 0; t < TABLES; t++) {
    const dir = join(ws.dir, `lake${t}`);
    mkdirSync(dir, { recursive: true });
    await c.exec(`COPY (SELECT i % 5 AS p, i AS id, md5(i::VARCHAR) AS h FROM range(${200_000 + t}) t(i)) TO '${dir}' (FORMAT parquet, PARTITION_BY (p))`);
  }
  await c.close();
  cfg = writeConfig(ws.dir, `source: {type: duckdb, path: ":memory:"}
incremental: {adaptive_scheduling: {enabled: false}}
profiling:
  tables:
${Array.from({ length: TABLES }, (_, t) => `    - {name: t${t}, parquet: ./lake${t}}`).join('\n')}
`);
}, 120_000);
afterAll(() => ws.cleanup());

function profileProcess(): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '-c', cfg, '--format', 'json', 'profile'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('concurrent runs on one SQLite store', () => {
  it('profile each table exactly once and keep every state', async () => {
    const [a, b] = await Promise.all([profileProcess(), profileProcess()]);
    expect(a.code, a.err).toBe(0);
    expect(b.code, b.err).toBe(0);
    const all = [...JSON.parse(a.out).tables, ...JSON.parse(b.out).tables];
    for (let t = 0; t < TABLES; t++) {
      const runs = all.filter((e) => e.table === `t${t}`);
      expect(runs.filter((e) => e.status === 'ok'), `t${t}`).toHaveLength(1);
      for (const other of runs.filter((e) => e.status !== 'ok')) expect(other.decision).toBe('skip');
    }
    const store = await openSqliteStore({ path: join(ws.dir, '.baselinr', 'state.db'), createTables: false, readOnly: true });
    const runs = await store.listRuns();
    const states = await store.listTables();
    await store.close();
    expect(runs.filter((r) => r.status === 'ok')).toHaveLength(TABLES);
    expect(states.map((s) => [s.tableName, s.profile?.row_count])).toEqual(
      Array.from({ length: TABLES }, (_, t) => [`t${t}`, 200_000 + t]),
    );
    // Nothing left to do afterwards: the winner stored everything.
    const again = cli(['-c', cfg, '--format', 'json', 'plan']).json();
    expect(again.summary.skip).toBe(TABLES);
  }, 180_000);
});
