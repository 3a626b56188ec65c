/**
 * The DuckDB HLL SQL, run on DuckDB itself, gives exactly the registers the JS reference (`bucketAndRank`) gives:
 * once over real `hash()` values and once over crafted 64-bit hashes (hash() swapped for the identity) that hit
 * the edges: the sentinel (rank 53), the top bit, empty buckets and every rank from 1 to 53.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { DuckDBDialect } from '../../connectors/duckdb/dialect.js';
import { bucketAndRank, emptyRegisters, registersFromPacked } from '../../src/profiler/hll.js';

const d = new DuckDBDialect();
let c: DuckDBClient;
beforeAll(async () => {
  c = await DuckDBClient.open(':memory:');
});
afterAll(() => c.close());

async function sqlRegisters(sql: string): Promise<Map<string, Uint8Array>> {
  const rows = await c.query(sql, { kind: 'data' });
  return new Map(rows.map((r) => [`${r.__p}/${r.__c}`, registersFromPacked(String(r.__regs), d.hllTokenWidth)]));
}

function jsRegisters(hashes: bigint[]): Uint8Array {
  const r = emptyRegisters();
  for (const h of hashes) {
    const [b, k] = bucketAndRank(h);
    if (k > r[b]) r[b] = k;
  }
  return r;
}

describe('DuckDB HLL registers', () => {
  it('equal the JS registers of the same hash() values, per partition and column', async () => {
    await c.exec(`CREATE TABLE t AS SELECT (i % 3)::VARCHAR AS __p, i AS c0, 'v' || (i % 5000) AS c1 FROM range(60000) r(i)`);
    const sql = d.hllRegisters('t', ['"c0"', '"c1"'], true);
    const got = await sqlRegisters(sql);
    const hashes = await c.query(`SELECT __p, hash(c0)::VARCHAR AS h0, hash(c1)::VARCHAR AS h1 FROM t`, { kind: 'data' });
    expect(got.size).toBe(6);
    for (const p of ['0', '1', '2']) {
      const mine = hashes.filter((r) => r.__p === p);
      expect(got.get(`${p}/0`)).toEqual(jsRegisters(mine.map((r) => BigInt(String(r.h0)))));
      expect(got.get(`${p}/1`)).toEqual(jsRegisters(mine.map((r) => BigInt(String(r.h1)))));
    }
  });

  it('handle crafted hashes at every rank and at the sentinel', async () => {
    const crafted: bigint[] = [0n, 1n, 4095n, 4096n, 2n ** 63n, 2n ** 64n - 1n, ((2n ** 52n) - 1n) << 12n, 2n ** 63n + 7n];
    for (let k = 0n; k < 52n; k++) crafted.push(((1n << k) << 12n) | (k * 61n)); // rank k + 1 in bucket 61k
    await c.exec(`CREATE TABLE crafted AS SELECT '' AS __p, x::UBIGINT AS c0 FROM (VALUES ${crafted.map((h) => `('${h}')`).join(', ')}) v(x)`);
    // hash() swapped for the identity: the crafted values are the hashes.
    const sql = d.hllRegisters('crafted', ['"c0"'], false).replace('hash("c0")', '"c0"');
    expect(sql).not.toContain('hash(');
    const got = (await sqlRegisters(sql)).get('/0');
    const want = jsRegisters(crafted);
    expect(got).toEqual(want);
    expect(Math.max(...want)).toBe(53);
    expect(new Set(want).size).toBeGreaterThan(50);
  });
});
