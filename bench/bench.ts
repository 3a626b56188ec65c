/**
 * `npm run bench`: measured ratios on generated data in one run (DESIGN §8).
 *  1. full profile of a 5M-row × 12-column Hive Parquet dataset (100 partitions) vs a hand-written single-pass
 *     aggregate (count/min/max/sum of every column: the engine's floor) over the same files;
 *  2. a no-change tick (plan + profile): data queries and rows scanned;
 *  3. a 1-of-100-partitions partial tick vs the full profile.
 * Sizes can be scaled with BENCH_ROWS (default 5,000,000). Results: a table on stdout and bench/results/latest.json.
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync, utimesSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DuckDBClient } from '../connectors/duckdb/client.js';
import { createConnector } from '../connectors/duckdb/index.js';
import { parseConfig } from '../src/config/index.js';
import { createContext } from '../src/api/context.js';
import { runProfile } from '../src/api/profile.js';
import { computePlan } from '../src/api/plan.js';
import { createEventBus } from '../src/events/index.js';
import { silentLogger } from '../src/log.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
const PARTS = 100;
const work = join(tmpdir(), `baselinr-bench-${process.pid}`);
const lake = join(work, 'lake');

async function main(): Promise<void> {
  mkdirSync(work, { recursive: true });
  const gen = await DuckDBClient.open(':memory:');
  let t = Date.now();
  await gen.exec(`COPY (SELECT i % ${PARTS} AS part, i AS id, i * 1.5 AS amount, (i % 997)::INTEGER AS qty,
      'c' || (i % 196) AS country, DATE '2026-01-01' + (i % 365)::INTEGER AS d,
      TIMESTAMP '2026-01-01' + to_seconds(i) AS ts, (i % 3 = 0) AS flag,
      CASE WHEN i % 10 = 0 THEN NULL ELSE (hash(i) % 1000000)::DOUBLE / 1000 END AS r, md5(i::VARCHAR) AS h,
      (i % 50000)::BIGINT AS k, (i % 7)::DECIMAL(10,2) AS dec
    FROM range(${ROWS}) t(i)) TO '${lake}' (FORMAT parquet, PARTITION_BY (part))`);
  await gen.close();
  const genMs = Date.now() - t;

  const yaml = `source: {type: duckdb, path: ":memory:"}\nstorage: {type: sqlite, path: ./state.db}\nincremental: {adaptive_scheduling: {enabled: false}}\nprofiling:\n  tables:\n    - name: lake\n      parquet: ./lake\n`;
  const config = parseConfig(yaml, { file: join(work, 'baselinr.yml'), baseDir: work, env: {} });
  const connector = await createConnector({ type: 'duckdb', path: ':memory:' });
  const ctx = createContext(config, { logger: silentLogger(), connector });
  const events = createEventBus({ hooks: [], logger: silentLogger() });

  // Floor first (also warms the OS page cache for both contenders).
  const cols = ['part', 'id', 'amount', 'qty', 'country', 'd', 'ts', 'flag', 'r', 'h', 'k', 'dec'];
  const floorSql = `SELECT count(*), ${cols.map((c) => `min("${c}"), max("${c}")`).join(', ')},
    ${['id', 'amount', 'qty', 'r', 'k', 'dec'].map((c) => `sum("${c}")`).join(', ')}
    FROM read_parquet('${lake}/**/*.parquet', hive_partitioning = true)`;
  await connector.client.query(floorSql, { kind: 'data' });
  t = Date.now();
  await connector.client.query(floorSql, { kind: 'data' });
  const floorMs = Date.now() - t;
  // The same metric set with the engine's own (non-mergeable) functions: the fair floor for what we compute.
  const nativeSql = `SELECT count(*), ${cols.map((c) => `count("${c}"), min("${c}"), max("${c}"), approx_count_distinct("${c}")`).join(', ')},
    ${['id', 'amount', 'qty', 'r', 'k', 'dec'].map((c) => `sum("${c}"), avg("${c}"), stddev_samp("${c}")`).join(', ')},
    ${['country', 'h'].map((c) => `min(length("${c}")), max(length("${c}")), avg(length("${c}"))`).join(', ')}
    FROM read_parquet('${lake}/**/*.parquet', hive_partitioning = true)`;
  t = Date.now();
  await connector.client.query(nativeSql, { kind: 'data' });
  const nativeMs = Date.now() - t;

  const before = connector.client.queryLog.length;
  t = Date.now();
  const full = await runProfile(ctx, { full: true, events });
  const fullMs = Date.now() - t;
  const fullQueries = connector.client.queryLog.slice(before).filter((q) => q.kind === 'data');
  if (full.tables[0].status !== 'ok') throw new Error(full.tables[0].error);

  // The same profile without the HLL sketches (distinct_count/unique_ratio off): what the sketches cost.
  const noHll = parseConfig(yaml.replace('profiling:\n', 'profiling:\n  metrics: [count, null_count, null_ratio, min, max, sum, mean, stddev, min_length, max_length, avg_length]\n')
    .replace('./state.db', './state-nohll.db'), { file: join(work, 'baselinr.yml'), baseDir: work, env: {} });
  const noHllCtx = createContext(noHll, { logger: silentLogger(), connector });
  t = Date.now();
  await runProfile(noHllCtx, { full: true, events });
  const noHllMs = Date.now() - t;
  await noHllCtx.close();

  let mark = connector.client.queryLog.length;
  t = Date.now();
  await computePlan(ctx, {});
  const idle = await runProfile(ctx, { events });
  const idleMs = Date.now() - t;
  const idleData = connector.client.queryLog.slice(mark).filter((q) => q.kind === 'data').length;

  // Touch one partition's file: a rewrite with the same content still counts as a change.
  const onePart = join(lake, 'part=42');
  const file = join(onePart, readdirSync(onePart)[0]);
  const future = new Date(Date.now() + 5000);
  utimesSync(file, future, future);
  mark = connector.client.queryLog.length;
  t = Date.now();
  const partial = await runProfile(ctx, { events });
  const partialMs = Date.now() - t;
  const partialData = connector.client.queryLog.slice(mark).filter((q) => q.kind === 'data');

  const results = {
    rows: ROWS,
    partitions: PARTS,
    columns: cols.length,
    generate_ms: genMs,
    floor_ms: floorMs,
    full_profile_ms: fullMs,
    full_vs_floor: +(fullMs / floorMs).toFixed(2),
    native_same_metrics_ms: nativeMs,
    full_vs_native_same_metrics: +(fullMs / nativeMs).toFixed(2),
    full_without_distinct_ms: noHllMs,
    full_without_distinct_vs_floor: +(noHllMs / floorMs).toFixed(2),
    full_data_queries: fullQueries.length,
    full_scan_query_ms: fullQueries[0]?.durationMs,
    no_change_tick_ms: idleMs,
    no_change_data_queries: idleData,
    no_change_rows_scanned: idle.tables.reduce((s, x) => s + x.rows_scanned, 0),
    no_change_decision: `${idle.tables[0].decision}/${idle.tables[0].reason}`,
    partial_decision: `${partial.tables[0].decision}/${partial.tables[0].reason}`,
    partial_ms: partialMs,
    partial_rows_scanned: partial.tables[0].rows_scanned,
    partial_data_queries: partialData.length,
    partial_vs_full: +(partialMs / fullMs).toFixed(3),
  };
  await ctx.close();
  await connector.close();
  const stateBytes = statSync(join(work, 'state.db')).size + (existsSync(join(work, 'state.db-wal')) ? statSync(join(work, 'state.db-wal')).size : 0);
  Object.assign(results, {
    state_store_bytes: stateBytes,
    state_bytes_per_partition: Math.round(stateBytes / PARTS),
    state_bytes_per_partition_column: Math.round(stateBytes / PARTS / cols.length),
    ...(await planManyTables()),
  });
  for (const [k, v] of Object.entries(results)) process.stdout.write(`${k.padEnd(24)} ${v}\n`);
  const outDir = join(process.cwd(), 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  rmSync(work, { recursive: true, force: true });
}

/** `plan` over 1,000 DuckDB tables in 10 schemas: catalog queries issued, data queries (must be 0), time. */
async function planManyTables(): Promise<Record<string, number>> {
  const db = join(work, 'many.duckdb');
  const c = await DuckDBClient.open(db);
  const names: string[] = [];
  for (let s = 0; s < 10; s++) {
    await c.exec(`CREATE SCHEMA s${s}`);
    for (let i = 0; i < 100; i++) {
      await c.exec(`CREATE TABLE s${s}.t${i} (id BIGINT, v VARCHAR, ts TIMESTAMP)`);
      names.push(`    - {table: t${i}, schema: s${s}}`);
    }
  }
  await c.close();
  const yaml = `source: {type: duckdb, path: ./many.duckdb}\nstorage: {type: sqlite, path: ./many-state.db}\nprofiling:\n  tables:\n${names.join('\n')}\n`;
  const config = parseConfig(yaml, { file: join(work, 'many.yml'), baseDir: work, env: {} });
  const connector = await createConnector({ type: 'duckdb', path: db });
  const ctx = createContext(config, { logger: silentLogger(), connector, readOnly: true });
  const t = Date.now();
  const { result } = await computePlan(ctx, {});
  const ms = Date.now() - t;
  const log = connector.client.queryLog;
  await ctx.close();
  await connector.close();
  return {
    plan_1000_tables_ms: ms,
    plan_1000_tables_planned: result.tables.length,
    plan_1000_tables_catalog_queries: log.filter((q) => q.kind === 'metadata').length,
    plan_1000_tables_data_queries: log.filter((q) => q.kind === 'data').length,
  };
}

main().catch((err) => {
  rmSync(work, { recursive: true, force: true });
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
