/**
 * A real PostgreSQL table and a declaratively partitioned one (36 monthly children + DEFAULT) profile to the
 * metrics computed independently in JS from the same generated rows: exact counts/min/max/sum/lengths, ≤1e-9
 * relative mean/stddev, HLL within 3 standard errors — and the SQL-side HLL registers equal the JS ones for the
 * same hashes. The database's own TimeZone/DateStyle/standard_conforming_strings are hostile on purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProfile } from '../../src/api/profile.js';
import { createEventBus } from '../../src/events/index.js';
import { silentLogger } from '../../src/log.js';
import { openSqliteStore } from '../../src/state/sqlite.js';
import { bucketAndRank, decodeRegisters, registersFromPairs } from '../../src/profiler/hll.js';
import { contextFor, tempDir } from '../helpers/workspace.js';
import { HLL_TOLERANCE, numericExpect, prng, relClose, sqlString, stringExpect } from '../helpers/data.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';

const N = 6000;
const rand = prng(7);
const WORDS = ['alpha', 'Beta', 'gamma delta', 'zeta', 'émile', '日本語', '😀 smile', 'a', '', 'Zürich'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const rows = Array.from({ length: N }, (_, i) => ({
  id: i + 1,
  amount: rand() < 0.1 ? null : Math.round((rand() * 20000 - 5000) * 1000) / 1000,
  qty: rand() < 0.05 ? null : Math.floor(rand() * 500) - 100,
  price: rand() < 0.2 ? null : (Math.floor(rand() * 10_000_000) / 1000).toFixed(3),
  name: rand() < 0.1 ? null : `${WORDS[Math.floor(rand() * WORDS.length)]}${Math.floor(rand() * 300)}`,
  // 2024-01 .. 2026-12 (36 months) plus a few rows in 2030 that only the DEFAULT partition takes.
  day: i % 500 === 0 ? '2030-01-01' : `${2024 + Math.floor(rand() * 3)}-${pad(1 + Math.floor(rand() * 12))}-${pad(1 + Math.floor(rand() * 28))}`,
  ts: `2026-${pad(1 + Math.floor(rand() * 12))}-${pad(1 + Math.floor(rand() * 28))}T${pad(Math.floor(rand() * 24))}:${pad(Math.floor(rand() * 60))}:${pad(Math.floor(rand() * 60))}.${pad(Math.floor(rand() * 1e6), 6)}`,
  big: (9007199254740993n + BigInt(i)).toString(),
  flag: rand() < 0.5,
}));
const COLUMNS = 'id bigint, amount double precision, qty integer, price numeric(12,3), name varchar(40), day date, ts timestamptz, big bigint, flag boolean';

let db: TestDatabase;
const ws = tempDir();
const profiles: Record<string, any> = {};

beforeAll(async () => {
  db = await createTestDatabase('profile');
  const dbName = new URL(db.url).pathname.slice(1);
  // Session defaults a profiler must not depend on: its own connection settings override them.
  await db.exec(`ALTER DATABASE "${dbName}" SET TimeZone = 'Asia/Kolkata'`);
  await db.exec(`ALTER DATABASE "${dbName}" SET DateStyle = 'SQL, DMY'`);
  await db.exec(`CREATE TABLE public.mixed (${COLUMNS})`);
  await db.exec(`CREATE TABLE public.events (${COLUMNS}) PARTITION BY RANGE (day)`);
  for (let m = 0; m < 36; m++) {
    const from = `${2024 + Math.floor(m / 12)}-${pad((m % 12) + 1)}-01`;
    const to = `${2024 + Math.floor((m + 1) / 12)}-${pad(((m + 1) % 12) + 1)}-01`;
    await db.exec(`CREATE TABLE public.events_${from.slice(0, 7).replace('-', '_')} PARTITION OF public.events FOR VALUES FROM ('${from}') TO ('${to}')`);
  }
  await db.exec(`CREATE TABLE public.events_other PARTITION OF public.events DEFAULT`);
  const lit = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? sqlString(v) : String(v));
  for (let i = 0; i < N; i += 1000) {
    // Instants given in UTC while the database's default zone is UTC+05:30: the profile must say UTC.
    const values = rows.slice(i, i + 1000).map((r) =>
      `(${r.id}, ${lit(r.amount)}, ${lit(r.qty)}, ${lit(r.price)}, ${lit(r.name)}, DATE '${r.day}', ` +
      `(TIMESTAMP '${r.ts.replace('T', ' ')}' AT TIME ZONE 'UTC'), ${r.big}, ${r.flag})`);
    for (const t of ['mixed', 'events']) await db.exec(`INSERT INTO public.${t} VALUES ${values.join(',')}`);
  }
  const yaml = `source: {type: postgres, url: ${JSON.stringify(db.url)}}
profiling:
  tables:
    - {table: mixed}
    - {table: events}
`;
  const ctx = contextFor(ws.dir, yaml);
  const res = await runProfile(ctx, { events: createEventBus({ hooks: [], logger: silentLogger() }) });
  await ctx.close();
  for (const t of res.tables) {
    expect(t.status, t.error).toBe('ok');
    profiles[t.table] = t.profile;
  }
});
afterAll(async () => {
  await db?.drop();
  ws.cleanup();
});

describe.each(['public.mixed', 'public.events'])('PostgreSQL full profile of %s vs an independent oracle', (table) => {
  const p = () => profiles[table];

  it('row count and partitions', () => {
    expect(p().row_count).toBe(N);
    expect(p().partitions).toBe(table === 'public.events' ? 37 : 1);
    expect(p().sampled).toBe(false);
  });

  it('float column', () => {
    const e = numericExpect(rows.map((r) => r.amount));
    const c = p().columns.amount;
    expect(c.type).toBe('double precision');
    expect([c.count, c.null_count, c.min, c.max]).toEqual([e.count, e.nulls, e.min, e.max]);
    expect(relClose(c.sum, e.sum, 1e-12)).toBe(true);
    expect(relClose(c.mean, e.mean)).toBe(true);
    expect(relClose(c.stddev, e.stddev)).toBe(true);
    expect(Math.abs(c.distinct_count - e.distinct) / e.distinct).toBeLessThanOrEqual(HLL_TOLERANCE);
  });

  it('integer columns: exact sums, also beyond 2^53', () => {
    const e = numericExpect(rows.map((r) => r.qty));
    const c = p().columns.qty;
    expect([c.count, c.null_count, c.min, c.max, c.sum]).toEqual([e.count, e.nulls, e.min, e.max, e.sum]);
    expect(relClose(c.mean, e.mean)).toBe(true);
    expect(relClose(c.stddev, e.stddev)).toBe(true);
    const big = p().columns.big;
    expect(String(big.sum)).toBe(rows.reduce((a, r) => a + BigInt(r.big), 0n).toString());
    expect([String(big.min), String(big.max)]).toEqual([rows[0].big, rows[N - 1].big]);
  });

  it('decimal column: exact sum', () => {
    const vals = rows.map((r) => r.price).filter((v): v is string => v !== null);
    const millis = vals.reduce((a, v) => a + BigInt(v.replace('.', '')), 0n);
    const c = p().columns.price;
    const [whole, frac = ''] = String(c.sum).split('.');
    expect(BigInt(whole + frac.padEnd(3, '0'))).toBe(millis);
    expect([c.min, c.max]).toEqual([Math.min(...vals.map(Number)), Math.max(...vals.map(Number))]);
  });

  it('string column: byte-order extremes and code-point lengths', () => {
    const e = stringExpect(rows.map((r) => r.name));
    const c = p().columns.name;
    expect([c.count, c.null_count, c.min, c.max, c.min_length, c.max_length]).toEqual([e.count, e.nulls, e.min, e.max, e.min_length, e.max_length]);
    expect(relClose(c.avg_length, e.avg_length)).toBe(true);
    expect(Math.abs(c.distinct_count - e.distinct) / e.distinct).toBeLessThanOrEqual(HLL_TOLERANCE);
  });

  it('temporal columns as fixed-width ISO strings, timestamptz in UTC', () => {
    const days = rows.map((r) => r.day).sort();
    const ts = rows.map((r) => `${r.ts}Z`).sort();
    const c = p().columns;
    expect([c.day.min, c.day.max, c.day.count]).toEqual([days[0], days[N - 1], N]);
    expect([c.ts.min, c.ts.max]).toEqual([ts[0], ts[N - 1]]);
  });

  it('boolean column: counts and distinct only', () => {
    const c = p().columns.flag;
    expect([c.count, c.distinct_count, c.min]).toEqual([N, 2, undefined]);
  });
});

describe('HLL registers computed in SQL', () => {
  it('equal the JS registers of the same hashtextextended values', async () => {
    const hashes = await db.query<{ h: string }>(`SELECT hashtextextended(name::text, 0)::text AS h FROM public.mixed WHERE name IS NOT NULL`);
    const pairs = hashes.map((r) => bucketAndRank(BigInt(r.h)));
    const expected = registersFromPairs(pairs.map((x) => x[0]), pairs.map((x) => x[1]));
    const store = await openSqliteStore({ path: `${ws.dir}/.baselinr/state.db`, createTables: false, readOnly: true });
    const [part] = await store.getPartitions('public.mixed');
    await store.close();
    expect(decodeRegisters(part.columns.name.hll!)).toEqual(expected);
  });
});
