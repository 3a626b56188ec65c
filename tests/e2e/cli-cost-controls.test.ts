/**
 * Cost caps apply to the scope actually scanned: a small changed partition of a big table runs partial; a large
 * changed scope is sampled (warehouse-native, flagged, never stored as partition states) or deferred and then
 * profiled once the deferral limit is reached — never lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { cli, tempDir } from '../helpers/workspace.js';

const PARTS = 10;
const ROWS = 20_000;
const ws = tempDir('baselinr-cost-');
const lake = join(ws.dir, 'lake');
const logFile = join(ws.dir, 'q.jsonl');
let clock = Date.now() / 1000;

function config(file: string, strategy: 'sample' | 'defer'): string {
  const path = join(ws.dir, file);
  writeFileSync(path, `source: {type: duckdb, path: ":memory:"}
storage: {type: sqlite, path: ./${file}.db}
incremental:
  adaptive_scheduling: {enabled: false}
  cost_controls: {max_rows_scanned: 50000, fallback_strategy: ${strategy}, sample_fraction: 0.25, max_deferrals: 2}
profiling:
  tables:
    - name: big
      parquet: ./lake
`);
  return path;
}

function touch(parts: number[]): void {
  clock += 10;
  for (const p of parts) {
    const dir = join(lake, `p=${p}`);
    for (const f of readdirSync(dir)) utimesSync(join(dir, f), clock, clock);
  }
}

function run(cfg: string, args: string[]) {
  rmSync(logFile, { force: true });
  const r = cli(['-c', cfg, '--format', 'json', '--query-log', logFile, ...args]);
  expect(r.code, r.stderr).toBe(0);
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
  return { t: r.json().tables[0], data: log.filter((q: any) => q.kind === 'data') };
}

beforeAll(async () => {
  mkdirSync(lake, { recursive: true });
  const c = await DuckDBClient.open(':memory:');
  await c.exec(`COPY (SELECT i % ${PARTS} AS p, i AS id, (i * 7) % 1000 AS v FROM range(${PARTS * ROWS}) t(i) ORDER BY p, id)
    TO '${lake}' (FORMAT parquet, PARTITION_BY (p))`);
  await c.close();
});
afterAll(() => ws.cleanup());

describe('cost controls', () => {
  it('sample strategy: the cap is on the scope; a huge scope is sampled, flagged and not stored as partitions', () => {
    const cfg = config('sample.yml', 'sample');
    // A first run of the whole table (200k rows) would exceed the cap: --full is never capped.
    expect(run(cfg, ['profile', '--full']).t).toMatchObject({ decision: 'full', reason: 'forced', rows_scanned: PARTS * ROWS });

    touch([3]);
    const small = run(cfg, ['profile']).t;
    expect(small).toMatchObject({ decision: 'partial', reason: 'changed_partitions', changed_partitions: ['p=3'], estimated_rows: ROWS, rows_scanned: ROWS });

    touch([0, 1, 2, 4, 5, 6, 7]);
    const { t, data } = run(cfg, ['profile']);
    expect(t).toMatchObject({ decision: 'sample', reason: 'rows_cap_exceeded', status: 'ok', estimated_rows: 7 * ROWS });
    expect(data).toHaveLength(1);
    expect(data[0].sql).toContain('USING SAMPLE 25%');
    // System sampling reads whole vectors: about a quarter of the table, not all of it.
    expect(t.rows_scanned).toBeGreaterThan(0.1 * PARTS * ROWS);
    expect(t.rows_scanned).toBeLessThan(0.45 * PARTS * ROWS);
    expect(t.profile).toMatchObject({ sampled: true, sample_fraction: 0.25, sampled_rows: t.rows_scanned });
    expect(Math.abs(t.profile.row_count - PARTS * ROWS) / (PARTS * ROWS)).toBeLessThan(0.5);

    // The exact partition states were not overwritten: the next full profile is exact again.
    const show = cli(['-c', cfg, '--format', 'json', 'show', 'big']).json();
    expect(show.sampled).toBe(true);
    const exact = run(cfg, ['profile', '--full']).t;
    expect(exact.profile).toMatchObject({ sampled: false, row_count: PARTS * ROWS });
  });

  it('defer strategy: deferred while under the limit, then profiled anyway, change never lost', () => {
    const cfg = config('defer.yml', 'defer');
    run(cfg, ['profile', '--full']);
    touch([0, 1, 2, 4, 5, 6, 7]);
    const first = run(cfg, ['profile']);
    expect(first.t).toMatchObject({ decision: 'defer', reason: 'rows_cap_exceeded', status: 'deferred', rows_scanned: 0 });
    expect(first.data).toHaveLength(0);
    const second = run(cfg, ['profile']);
    expect(second.t).toMatchObject({ decision: 'defer', status: 'deferred' });
    const state = cli(['-c', cfg, '--format', 'json', 'state']).json().tables[0];
    expect(state).toMatchObject({ last_decision: 'defer', deferrals: 2 });
    const third = run(cfg, ['profile']);
    expect(third.t).toMatchObject({ decision: 'partial', reason: 'rows_cap_exceeded', status: 'ok', rows_scanned: 7 * ROWS });
    expect(third.t.changed_partitions).toHaveLength(7);
    expect(run(cfg, ['profile']).t).toMatchObject({ decision: 'skip', reason: 'snapshot_match' });
  });
});
