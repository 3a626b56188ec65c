/**
 * `npm run bench`: measured ratios on generated data in one run (DESIGN §8).
 *  1. full profile of a 5M-row × 12-column Hive Parquet dataset (100 partitions) vs hand-written single-pass
 *     aggregates over the same files: the same metrics with DuckDB's built-ins (the floor the target is about)
 *     and a bare count/min/max/sum read;
 *  2. a no-change tick (plan + profile): data queries and rows scanned;
 *  3. a 1-of-100-partitions partial tick vs the full profile;
 *  4. `plan` over 1,000 tables; 5. state-store bytes per partition.
 * Each timing is the median of BENCH_ROUNDS (default 5) interleaved rounds after one warm-up round. BENCH_ROWS
 * scales the data (default 5,000,000). Results: a table on stdout and bench/results/latest.json; targets are checked at the end.
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
import { median } from './median.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
/** Interleaved rounds per measurement; medians are reported. */
const REPS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
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
  const contextOf = (text: string) =>
    createContext(parseConfig(text, { file: join(work, 'baselinr.yml'), baseDir: work, env: {} }), { logger: silentLogger(), connector });

  // The floors are hand-written single-pass aggregates over the same files:
  //  - read floor: count/min/max/sum of every column (what merely reading the data costs);
  //  - same-metrics floor: every metric the profile reports, with the engine's own built-ins (distinct counts
  //    by approx_count_distinct, whose state cannot be stored or merged): the fair floor for what we compute.
  const cols = ['part', 'id', 'amount', 'qty', 'country', 'd', 'ts', 'flag', 'r', 'h', 'k', 'dec'];
  const numeric = ['id', 'amount', 'qty', 'r', 'k', 'dec'];
  const glob = `read_parquet('${lake}/**/*.parquet', hive_partitioning = true)`;
  const floorSql = `SELECT count(*), ${cols.map((c) => `min("${c}"), max("${c}")`).join(', ')},
    ${numeric.map((c) => `sum("${c}")`).join(', ')} FROM ${glob}`;
  const nativeSql = `SELECT count(*), ${cols.map((c) => `count("${c}"), min("${c}"), max("${c}"), approx_count_distinct("${c}")`).join(', ')},
    ${numeric.map((c) => `sum("${c}"), avg("${c}"), stddev_samp("${c}")`).join(', ')},
    ${['country', 'h'].map((c) => `min(length("${c}")), max(length("${c}")), avg(length("${c}"))`).join(', ')}
    FROM ${glob}`;
  // Warm-up, not measured: the OS page cache for every contender, and one full profile into a throwaway store so
  // the profile is timed as warm as the floors (JIT-compiled, DuckDB's caches filled).
  await connector.client.query(floorSql, { kind: 'data' });
  await connector.client.query(nativeSql, { kind: 'data' });
  const warm = contextOf(yaml.replace('./state.db', './state-warmup.db'));
  await runProfile(warm, { full: true, events });
  await warm.close();

  // The same profile without the HLL sketches (distinct_count/unique_ratio off): what the sketches cost.
  const noHllYaml = yaml.replace('profiling:\n', 'profiling:\n  metrics: [count, null_count, null_ratio, min, max, sum, mean, stddev, min_length, max_length, avg_length]\n');
  const samples = { floor: [] as number[], native: [] as number[], full: [] as number[], noHll: [] as number[], scan: [] as number[] };
  let full: Awaited<ReturnType<typeof runProfile>> | undefined;
  let fullQueries = 0;
  // Interleaved rounds, reporting medians: a busy neighbour then slows every contender alike instead of one.
  for (let round = 0; round < REPS; round++) {
    samples.floor.push(await timed(() => connector.client.query(floorSql, { kind: 'data' })));
    samples.native.push(await timed(() => connector.client.query(nativeSql, { kind: 'data' })));
    // Round 0 fills the store the later ticks use; other rounds profile into a fresh store of their own.
    const runCtx = round === 0 ? ctx : contextOf(yaml.replace('./state.db', `./state-${round}.db`));
    const before = connector.client.queryLog.length;
    let res: Awaited<ReturnType<typeof runProfile>> | undefined;
    samples.full.push(await timed(async () => { res = await runProfile(runCtx, { full: true, events }); }));
    const data = connector.client.queryLog.slice(before).filter((q) => q.kind === 'data');
    samples.scan.push(data.reduce((sum, q) => sum + q.durationMs, 0));
    if (res!.tables[0].status !== 'ok') throw new Error(res!.tables[0].error);
    if (round === 0) {
      full = res;
      fullQueries = data.length;
    } else await runCtx.close();
    const noHllCtx = contextOf(noHllYaml.replace('./state.db', `./state-nohll-${round}.db`));
    samples.noHll.push(await timed(() => runProfile(noHllCtx, { full: true, events })));
    await noHllCtx.close();
  }
  if (!full) throw new Error('no full profile ran');
  const floorMs = median(samples.floor);
  const nativeMs = median(samples.native);
  const fullMs = median(samples.full);
  const noHllMs = median(samples.noHll);

  let mark = connector.client.queryLog.length;
  t = Date.now();
  await computePlan(ctx, {});
  const idle = await runProfile(ctx, { events });
  const idleMs = Date.now() - t;
  const idleData = connector.client.queryLog.slice(mark).filter((q) => q.kind === 'data').length;

  // Touch one partition's file: a rewrite with the same content still counts as a change. Each round touches it
  // again, so every round is a real 1-of-100 partial tick.
  const onePart = join(lake, 'part=42');
  const file = join(onePart, readdirSync(onePart)[0]);
  const partialSamples: number[] = [];
  let partial: Awaited<ReturnType<typeof runProfile>> | undefined;
  let partialData: typeof connector.client.queryLog = [];
  for (let round = 0; round < REPS; round++) {
    const future = new Date(Date.now() + 5000 * (round + 1));
    utimesSync(file, future, future);
    mark = connector.client.queryLog.length;
    partialSamples.push(await timed(async () => { partial = await runProfile(ctx, { events }); }));
    partialData = connector.client.queryLog.slice(mark).filter((q) => q.kind === 'data');
    if (partial!.tables[0].decision !== 'partial') throw new Error(`round ${round}: expected a partial tick, got ${partial!.tables[0].decision}`);
  }
  const partialMs = median(partialSamples);
  if (!partial) throw new Error('no partial tick ran');

  const results = {
    rows: ROWS,
    partitions: PARTS,
    columns: cols.length,
    rounds: REPS,
    generate_ms: genMs,
    floor_same_metrics_ms: nativeMs,
    floor_read_ms: floorMs,
    full_profile_ms: fullMs,
    full_vs_floor: +(fullMs / nativeMs).toFixed(2),
    full_vs_read_floor: +(fullMs / floorMs).toFixed(2),
    full_scan_query_ms: median(samples.scan),
    full_data_queries: fullQueries,
    full_without_distinct_ms: noHllMs,
    full_without_distinct_vs_read_floor: +(noHllMs / floorMs).toFixed(2),
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
  const r = results as typeof results & Record<string, number>;
  const targets = {
    'full profile <= 2x the same-metrics floor': r.full_vs_floor <= 2,
    '1-of-100 partial <= 5% of the full profile': r.partial_vs_full <= 0.05,
    'partial scans exactly the changed partition': r.partial_rows_scanned === ROWS / PARTS,
    'no-change tick scans 0 rows, 0 data queries': r.no_change_rows_scanned === 0 && r.no_change_data_queries === 0,
  };
  Object.assign(results, { samples, partial_samples: partialSamples, targets });
  for (const [k, v] of Object.entries(results)) {
    if (typeof v !== 'object') process.stdout.write(`${k.padEnd(36)} ${v}\n`);
  }
  for (const [k, ok] of Object.entries(targets)) process.stdout.write(`${ok ? 'MET    ' : 'NOT MET'} ${k}\n`);
  const outDir = join(process.cwd(), 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  rmSync(work, { recursive: true, force: true });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return Math.round(performance.now() - t);
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
