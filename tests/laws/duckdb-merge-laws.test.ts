/**
 * Merge law on real warehouse output: for random splits of a DuckDB table into partitions,
 * merge(state(A), state(B), …) computed by the one-scan SQL equals state(A ∪ B ∪ …) computed by the same SQL
 * without partitions. HLL registers must be identical (register-wise max is exact).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { DuckDBDialect } from '../../connectors/duckdb/dialect.js';
import { buildScanQuery } from '../../src/profiler/scan-query.js';
import { parseScanRows } from '../../src/profiler/scan-result.js';
import { mergePartitionStates } from '../../src/profiler/merge.js';
import type { ColumnInfo } from '../../src/connectors/types.js';
import type { ColumnState } from '../../src/profiler/state-types.js';
import { relClose } from '../helpers/data.js';

const d = new DuckDBDialect();
let client: DuckDBClient;
let columns: ColumnInfo[];

beforeAll(async () => {
  client = await DuckDBClient.open(':memory:');
  await client.exec(`CREATE TABLE t AS SELECT
      i AS id,
      CASE WHEN i % 7 = 0 THEN NULL ELSE (hash(i) % 100000)::DOUBLE / 7.0 - 5000 END AS f,
      CASE WHEN i % 11 = 0 THEN NULL ELSE (hash(i * 3) % 1000)::INTEGER - 500 END AS n,
      ((hash(i * 5) % 1000000)::DECIMAL(12,2) / 100)::DECIMAL(12,2) AS dec,
      CASE WHEN i % 13 = 0 THEN NULL ELSE ['a','Ä','日本','😀x','zz',''][1 + (hash(i) % 6)::INTEGER] || (i % 97)::VARCHAR END AS s,
      TIMESTAMP '2026-01-01' + to_seconds((hash(i * 7) % 10000000)::BIGINT) AS ts,
      DATE '2026-01-01' + (i % 300)::INTEGER AS dt,
      (i % 3 = 0) AS b,
      1180591620717411303424::HUGEINT * (i % 1000) + i AS h
    FROM range(20000) t(i)`);
  const rows = await client.query(`SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 't' ORDER BY column_index`, { kind: 'metadata' });
  columns = rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type), kind: d.columnKind(String(r.data_type)) }));
});
afterAll(async () => client.close());

async function states(partitionExpr: string | undefined) {
  const source = { relation: 't', partitionExpr, partitionId: (v: string | null) => v ?? '∅' };
  const sql = buildScanQuery(d, source, columns, { hll: true });
  return parseScanRows(await client.query(sql, { kind: "data" }), columns, source, true, d.hllTokenWidth);
}

function expectSameState(merged: ColumnState, whole: ColumnState, label: string) {
  for (const key of ['type', 'kind', 'count', 'nulls', 'min', 'max', 'minLength', 'maxLength', 'sumLength', 'hll'] as const) {
    expect(merged[key], `${label}.${key}`).toEqual(whole[key]);
  }
  if (merged.kind === 'float') {
    expect(relClose(merged.sum as number, whole.sum as number, 1e-12), `${label}.sum`).toBe(true);
  } else {
    expect(merged.sum, `${label}.sum`).toEqual(whole.sum);
  }
  expect(relClose(merged.mean ?? null, whole.mean ?? null), `${label}.mean`).toBe(true);
  expect(relClose(merged.m2 ?? null, whole.m2 ?? null), `${label}.m2`).toBe(true);
}

describe('merge(state(A), state(B)) = state(A ∪ B) on DuckDB', () => {
  for (const [label, expr] of [
    ['2 parts', `CAST(hash(id * 17) % 2 AS VARCHAR)`],
    ['7 uneven parts', `CAST(least(hash(id) % 100, 6) AS VARCHAR)`],
    ['by null-heavy column', `CAST(n IS NULL AS VARCHAR)`],
    ['one row per part in places', `CASE WHEN id < 5 THEN CAST(id AS VARCHAR) ELSE 'rest' END`],
  ] as const) {
    it(label, async () => {
      const parts = await states(expr);
      const whole = (await states(undefined)).get('')!;
      const ordered = [...parts.keys()].sort().map((k) => parts.get(k)!);
      const merged = mergePartitionStates(ordered);
      expect(merged.rowCount).toBe(whole.rowCount);
      for (const c of columns) expectSameState(merged.columns[c.name], whole.columns[c.name], `${label}:${c.name}`);
      // Reverse order gives the same exact metrics: merge is commutative.
      const reversed = mergePartitionStates([...ordered].reverse());
      for (const c of columns) expect(reversed.columns[c.name].hll).toBe(whole.columns[c.name].hll);
    });
  }
});
