/**
 * PostgreSQL benchmark, in one run on generated data (DESIGN §8):
 *  1. full profile of a 5M-row × 12-column table, LIST-partitioned into 100 children, vs hand-written
 *     single-pass aggregates: the same metrics with PostgreSQL's built-ins (count(DISTINCT) for distinct counts:
 *     the floor the target is about) and a bare count/min/max/sum read;
 *  2. the same profile without distinct counts (HLL is the costly part);
 *  3. a no-change tick and a 1-of-100-partitions partial tick.
 * Needs a server: BASELINR_BENCH_PG_URL (or BASELINR_TEST_PG_URL), superuser, e.g. postgres://postgres@127.0.0.1/postgres.
 * Run: `npx tsc -p . && node dist/bench/postgres-profile.js`. Rows: BENCH_ROWS (default 5,000,000); timings are
 * medians of BENCH_ROUNDS interleaved rounds (default 1 here: one round takes minutes).
 * Writes bench/results/postgres-latest.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { createConnector } from '../connectors/postgres/index.js';
import { parseConfig } from '../src/config/index.js';
import { createContext } from '../src/api/context.js';
import { runProfile } from '../src/api/profile.js';
import { createEventBus } from '../src/events/index.js';
import { silentLogger } from '../src/log.js';
import { median } from './median.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
const PARTS = 100;
const SERVER = process.env.BASELINR_BENCH_PG_URL ?? process.env.BASELINR_TEST_PG_URL;
const COLS = ['part', 'id', 'amount', 'qty', 'country', 'd', 'ts', 'flag', 'r', 'h', 'k', 'dec'];
const NUMERIC = ['id', 'amount', 'qty', 'r', 'k', 'dec'];
const REPS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));

async function main(): Promise<void> {
  if (!SERVER) throw new Error('set BASELINR_BENCH_PG_URL to a PostgreSQL server (superuser)');
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS baselinr_bench WITH (FORCE)');
  await admin.query(`CREATE DATABASE baselinr_bench TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(SERVER);
  url.pathname = '/baselinr_bench';
  const w = new pg.Client({ connectionString: url.toString() });
  await w.connect();
  const time = async (sql: string) => {
    const t = Date.now();
    await w.query(sql);
    return Date.now() - t;
  };

  await w.query(`CREATE TABLE public.events (part int, id bigint, amount float8, qty int, country text, d date, ts timestamptz,
    flag boolean, r float8, h text, k bigint, dec numeric(10,2)) PARTITION BY LIST (part)`);
  for (let p = 0; p < PARTS; p++) await w.query(`CREATE TABLE public.events_${p} PARTITION OF public.events FOR VALUES IN (${p})`);
  const genMs = await time(`INSERT INTO public.events SELECT i % ${PARTS}, i, i * 1.5, (i % 997)::int, 'c' || (i % 196),
      DATE '2026-01-01' + (i % 365), TIMESTAMPTZ '2026-01-01 00:00:00+00' + make_interval(secs => i), i % 3 = 0,
      CASE WHEN i % 10 = 0 THEN NULL ELSE (hashint8(i) % 1000000)::float8 / 1000 END, md5(i::text), i % 50000, (i % 7)::numeric(10,2)
    FROM generate_series(0, ${ROWS - 1}) i`);
  // Hint bits and visibility map set once, so neither contender pays for them.
  await w.query('VACUUM (ANALYZE, FREEZE) public.events');
  await w.query('SELECT pg_stat_force_next_flush()');

  const floorSql = `SELECT count(*), ${COLS.map((c) => (c === "flag" ? "bool_and(flag), bool_or(flag)" : `min(${c}), max(${c})`)).join(', ')},
    ${NUMERIC.map((c) => `sum(${c})`).join(', ')} FROM public.events`;
  const nativeSql = `SELECT count(*), ${COLS.map((c) => `count(${c}), ${c === 'flag' ? 'bool_and(flag), bool_or(flag)' : `min(${c}), max(${c})`}, count(DISTINCT ${c})`).join(', ')},
    ${NUMERIC.map((c) => `sum(${c}), avg(${c}), stddev_samp(${c})`).join(', ')},
    ${['country', 'h'].map((c) => `min(length(${c})), max(length(${c})), avg(length(${c}))`).join(', ')} FROM public.events`;
  await time(floorSql);

  const work = mkdtempSync(join(tmpdir(), 'baselinr-pg-bench-'));
  const connector = await createConnector({ type: 'postgres', url: url.toString(), schema: 'public' });
  const events = createEventBus({ hooks: [], logger: silentLogger() });
  const run = async (store: string, full: boolean, metrics?: string) => {
    const yaml = `source: {type: postgres, url: ${JSON.stringify(url.toString())}}\nstorage: {type: sqlite, path: ${store}}
incremental: {adaptive_scheduling: {enabled: false}}\nprofiling:\n${metrics ? `  metrics: ${metrics}\n` : ''}  tables: [{table: events}]\n`;
    const ctx = createContext(parseConfig(yaml, { file: join(work, 'baselinr.yml'), env: {} }), { logger: silentLogger(), connector });
    const mark = connector.client.queryLog.length;
    const t = Date.now();
    const res = await runProfile(ctx, { full, events });
    const ms = Date.now() - t;
    await ctx.close();
    if (res.tables[0].status === 'failed') throw new Error(res.tables[0].error);
    const data = connector.client.queryLog.slice(mark).filter((q) => q.kind === 'data');
    return { ms, entry: res.tables[0], data, scanMs: data.reduce((s, q) => s + q.durationMs, 0) };
  };

  const samples = { floor: [] as number[], native: [] as number[], full: [] as number[], scan: [] as number[], noHll: [] as number[] };
  let full: Awaited<ReturnType<typeof run>> | undefined;
  for (let round = 0; round < REPS; round++) {
    samples.floor.push(await time(floorSql));
    samples.native.push(await time(nativeSql));
    const f = await run(round === 0 ? './state.db' : `./state-${round}.db`, true);
    samples.full.push(f.ms);
    samples.scan.push(f.scanMs);
    if (round === 0) full = f;
    samples.noHll.push((await run(`./nohll-${round}.db`, true, '[count, null_count, min, max, sum, mean, stddev, min_length, max_length, avg_length]')).ms);
  }
  if (!full) throw new Error('no full profile ran');
  const floorMs = median(samples.floor);
  const nativeMs = median(samples.native);
  const fullMs = median(samples.full);
  const noHllMs = median(samples.noHll);
  const idle = await run('./state.db', false);
  await w.query('UPDATE public.events SET qty = qty + 1 WHERE part = 42 AND id < 1000');
  await w.query('SELECT pg_stat_force_next_flush()');
  const partial = await run('./state.db', false);

  const results = {
    rows: ROWS, partitions: PARTS, columns: COLS.length, server: (await w.query('SHOW server_version')).rows[0].server_version,
    generate_ms: genMs, rounds: REPS, floor_same_metrics_ms: nativeMs, floor_read_ms: floorMs,
    full_profile_ms: fullMs, full_scan_query_ms: median(samples.scan), full_vs_floor: round(fullMs / nativeMs, 2),
    full_vs_read_floor: round(fullMs / floorMs), full_data_queries: full.data.length,
    full_without_distinct_ms: noHllMs, without_distinct_vs_read_floor: round(noHllMs / floorMs),
    no_change_tick_ms: idle.ms, no_change_decision: `${idle.entry.decision}/${idle.entry.reason}`, no_change_data_queries: idle.data.length,
    partial_decision: `${partial.entry.decision}/${partial.entry.reason}`, partial_changed: partial.entry.changed_partitions,
    partial_ms: partial.ms, partial_rows_scanned: partial.entry.rows_scanned, partial_vs_full: round(partial.ms / fullMs, 3),
  };
  console.table(results);
  const ok = (b: boolean) => (b ? 'MET    ' : 'NOT MET');
  console.log(`${ok(results.full_vs_floor <= 2)} full profile <= 2x the same-metrics floor`);
  console.log(`${ok(results.partial_vs_full <= 0.05)} 1-of-100 partial <= 5% of the full profile`);
  console.log(`${ok(results.partial_rows_scanned === ROWS / PARTS)} partial scans exactly the changed partition`);
  console.log(`${ok(results.no_change_data_queries === 0)} no-change tick: 0 data queries`);
  Object.assign(results, { samples });
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/postgres-latest.json', `${JSON.stringify(results, null, 2)}\n`);
  await connector.close();
  await w.end();
  await admin.query('DROP DATABASE IF EXISTS baselinr_bench WITH (FORCE)');
  await admin.end();
  rmSync(work, { recursive: true, force: true });
}

function round(x: number, digits = 1): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
