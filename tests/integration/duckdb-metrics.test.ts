/**
 * The profile of a real DuckDB table equals metrics computed independently in JS from the same generated rows:
 * exact for counts/min/max/sum/lengths, ≤1e-9 relative for mean/stddev, HLL within 3 standard errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { runProfile } from '../../src/api/profile.js';
import { createEventBus } from '../../src/events/index.js';
import { silentLogger } from '../../src/log.js';
import { contextFor, tempDir } from '../helpers/workspace.js';
import { HLL_TOLERANCE, numericExpect, prng, relClose, sqlString, stringExpect } from '../helpers/data.js';

const N = 6000;
const rand = prng(42);
const WORDS = ['alpha', 'Beta', 'gamma delta', 'zeta', 'émile', '日本語', '😀 smile', 'a', '', 'Zürich'];
const rows = Array.from({ length: N }, (_, i) => ({
  id: i + 1,
  amount: rand() < 0.1 ? null : Math.round((rand() * 20000 - 5000) * 1000) / 1000,
  qty: rand() < 0.05 ? null : Math.floor(rand() * 500) - 100,
  price: rand() < 0.2 ? null : (Math.floor(rand() * 10_000_000) / 1000).toFixed(3),
  name: rand() < 0.1 ? null : `${WORDS[Math.floor(rand() * WORDS.length)]}${Math.floor(rand() * 300)}`,
  day: `2026-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
  big: (9007199254740993n + BigInt(i)).toString(),
  flag: rand() < 0.5,
  region: ['eu', 'us', 'apac'][i % 3],
}));

const ws = tempDir();
const db = join(ws.dir, 'w.duckdb');
let profile: any;

beforeAll(async () => {
  const c = await DuckDBClient.open(db);
  await c.exec(`CREATE TABLE main.mixed (id BIGINT, amount DOUBLE, qty INTEGER, price DECIMAL(12,3), name VARCHAR, day DATE, big HUGEINT, flag BOOLEAN, region VARCHAR)`);
  const lit = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? sqlString(v) : String(v));
  for (let i = 0; i < N; i += 1000) {
    const values = rows.slice(i, i + 1000).map((r) => `(${r.id}, ${lit(r.amount)}, ${lit(r.qty)}, ${lit(r.price)}, ${lit(r.name)}, DATE ${sqlString(r.day)}, ${r.big}, ${r.flag}, ${sqlString(r.region)})`);
    await c.exec(`INSERT INTO main.mixed VALUES ${values.join(',')}`);
  }
  await c.close();
  const ctx = contextFor(ws.dir, `source: {type: duckdb, path: ./w.duckdb}\nprofiling:\n  tables:\n    - table: mixed\n      partition: {key: region}\n`);
  const res = await runProfile(ctx, { events: createEventBus({ hooks: [], logger: silentLogger() }) });
  await ctx.close();
  expect(res.tables[0].status, res.tables[0].error).toBe('ok');
  profile = res.tables[0].profile;
});
afterAll(() => ws.cleanup());

describe('DuckDB full profile vs an independent oracle', () => {
  it('row count and partitions', () => {
    expect(profile.row_count).toBe(N);
    expect(profile.partitions).toBe(3);
    expect(profile.sampled).toBe(false);
  });

  it('float column', () => {
    const e = numericExpect(rows.map((r) => r.amount));
    const p = profile.columns.amount;
    expect(p.type).toBe('DOUBLE');
    expect([p.count, p.null_count, p.min, p.max]).toEqual([e.count, e.nulls, e.min, e.max]);
    expect(p.null_ratio).toBe(e.nulls / N);
    expect(relClose(p.sum, e.sum, 1e-12)).toBe(true);
    expect(relClose(p.mean, e.mean)).toBe(true);
    expect(relClose(p.stddev, e.stddev)).toBe(true);
    expect(Math.abs(p.distinct_count - e.distinct) / e.distinct).toBeLessThanOrEqual(HLL_TOLERANCE);
  });

  it('integer column: exact sum, mean and stddev within 1e-9', () => {
    const e = numericExpect(rows.map((r) => r.qty));
    const p = profile.columns.qty;
    expect([p.count, p.null_count, p.min, p.max, p.sum]).toEqual([e.count, e.nulls, e.min, e.max, e.sum]);
    expect(relClose(p.mean, e.mean)).toBe(true);
    expect(relClose(p.stddev, e.stddev)).toBe(true);
    expect(Math.abs(p.distinct_count - e.distinct) / e.distinct).toBeLessThanOrEqual(HLL_TOLERANCE);
  });

  it('decimal column: exact sum', () => {
    const vals = rows.map((r) => r.price).filter((v): v is string => v !== null);
    const exactMillis = vals.reduce((a, v) => a + BigInt(v.replace('.', '')), 0n);
    const p = profile.columns.price;
    expect(p.count).toBe(vals.length);
    const asMillis = BigInt(String(p.sum).includes('.') ? String(p.sum).replace(/\.(\d*)$/, (_, f: string) => f.padEnd(3, '0')) : `${p.sum}000`);
    expect(asMillis).toBe(exactMillis);
    const nums = vals.map(Number);
    expect(p.min).toBe(Math.min(...nums));
    expect(p.max).toBe(Math.max(...nums));
  });

  it('huge integers keep exact sums beyond 2^53', () => {
    const p = profile.columns.big;
    const exact = rows.reduce((a, r) => a + BigInt(r.big), 0n);
    expect(String(p.sum)).toBe(exact.toString());
    expect(String(p.min)).toBe(rows[0].big);
    expect(String(p.max)).toBe(rows[N - 1].big);
  });

  it('string column: binary order extremes and code-point lengths', () => {
    const e = stringExpect(rows.map((r) => r.name));
    const p = profile.columns.name;
    expect([p.count, p.null_count, p.min, p.max, p.min_length, p.max_length]).toEqual([e.count, e.nulls, e.min, e.max, e.min_length, e.max_length]);
    expect(relClose(p.avg_length, e.avg_length)).toBe(true);
    expect(Math.abs(p.distinct_count - e.distinct) / e.distinct).toBeLessThanOrEqual(HLL_TOLERANCE);
    expect(p.sum).toBeUndefined();
  });

  it('date column as ISO strings', () => {
    const days = rows.map((r) => r.day).sort();
    const p = profile.columns.day;
    expect([p.min, p.max, p.count]).toEqual([days[0], days[N - 1], N]);
    expect(Math.abs(p.distinct_count - new Set(days).size)).toBeLessThanOrEqual(Math.ceil(new Set(days).size * HLL_TOLERANCE));
  });

  it('boolean column: counts and distinct only', () => {
    const p = profile.columns.flag;
    expect(p.count).toBe(N);
    expect(p.distinct_count).toBe(2);
    expect(p.min).toBeUndefined();
  });
});
