/**
 * A Hive-partitioned Parquet dataset with >100 partitions and several files per partition profiles in ONE data
 * query (the query log proves it), and its partition states sum to the whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdirSync, readdirSync } from 'node:fs';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { createConnector } from '../../connectors/duckdb/index.js';
import { runProfile } from '../../src/api/profile.js';
import { createEventBus } from '../../src/events/index.js';
import { silentLogger } from '../../src/log.js';
import { contextFor, tempDir } from '../helpers/workspace.js';
import { HLL_TOLERANCE } from '../helpers/data.js';

const ws = tempDir('baselinr-pq-');
const lake = join(ws.dir, 'lake', 'events');
const YAML = `source: {type: duckdb, path: ":memory:"}\nprofiling:\n  tables:\n    - name: events\n      parquet: ./lake/events\n`;

beforeAll(async () => {
  mkdirSync(lake, { recursive: true });
  const c = await DuckDBClient.open(':memory:');
  for (const [from, to] of [[0, 150_000], [150_000, 240_000]]) {
    await c.exec(`COPY (SELECT i AS id, i % 120 AS bucket, (i * 0.5)::DOUBLE AS v, 'k' || (i % 1000) AS k,
        CASE WHEN i % 9 = 0 THEN NULL ELSE i % 77 END AS m, DATE '2026-01-01' + (i % 120)::INTEGER AS day
      FROM range(${from}, ${to}) t(i)) TO '${lake}' (FORMAT parquet, PARTITION_BY (bucket), APPEND)`);
  }
  await c.close();
});
afterAll(() => ws.cleanup());

describe('one scan per Parquet dataset', () => {
  it('profiles 120 partitions × 2 files with exactly one data query', async () => {
    expect(readdirSync(lake).length).toBe(120);
    expect(readdirSync(join(lake, 'bucket=7')).length).toBe(2);
    const connector = await createConnector({ type: 'duckdb', path: ':memory:' });
    const ctx = contextFor(ws.dir, YAML, { connector });
    const res = await runProfile(ctx, { events: createEventBus({ hooks: [], logger: silentLogger() }) });
    await ctx.close();
    const t = res.tables[0];
    expect(t.status, t.error).toBe('ok');
    expect(t.partitions_profiled).toBe(120);
    expect(t.rows_scanned).toBe(240_000);
    expect(t.profile!.row_count).toBe(240_000);
    expect(t.profile!.columns.id).toMatchObject({ min: 0, max: 239_999, sum: (239_999 * 240_000) / 2, count: 240_000 });
    expect(t.profile!.columns.bucket).toMatchObject({ type: 'BIGINT', min: 0, max: 119 });
    expect(Math.abs(t.profile!.columns.bucket.distinct_count! - 120)).toBeLessThanOrEqual(120 * HLL_TOLERANCE);
    expect(t.profile!.columns.m.null_count).toBe(Math.ceil(240_000 / 9));
    const data = connector.client.queryLog.filter((q) => q.kind === 'data');
    expect(data).toHaveLength(1);
    expect(data[0].sql).toContain('read_parquet(');
    await connector.close();
  });

  it('groups rows by partition through a data column named file_index too (it hides the virtual column)', async () => {
    // Partition g=k holds k+1 rows spread over two files, and `file_index` is real data that must not be used
    // as the file's position.
    const dir = join(ws.dir, 'lake', 'shadow');
    mkdirSync(dir, { recursive: true });
    const c = await DuckDBClient.open(':memory:');
    for (const half of [0, 1]) {
      await c.exec(`COPY (SELECT g, 1000 + g AS file_index, i AS v FROM range(6) a(g), range(7) b(i)
        WHERE i <= g AND i % 2 = ${half}) TO '${dir}' (FORMAT parquet, PARTITION_BY (g), APPEND)`);
    }
    await c.close();
    const yaml = `source: {type: duckdb, path: ":memory:"}\nstorage: {type: sqlite, path: ./shadow.db}\nprofiling:\n  tables:\n    - name: shadow\n      parquet: ./lake/shadow\n`;
    const connector = await createConnector({ type: 'duckdb', path: ':memory:' });
    const ctx = contextFor(ws.dir, yaml, { connector });
    const res = await runProfile(ctx, { events: createEventBus({ hooks: [], logger: silentLogger() }) });
    const t = res.tables[0];
    expect(t.status, t.error).toBe('ok');
    expect(t.profile!.row_count).toBe(21);
    expect(t.profile!.columns.file_index).toMatchObject({ min: 1000, max: 1005 });
    const parts = await (await ctx.store()).getPartitions('shadow');
    expect(Object.fromEntries(parts.map((p) => [p.partitionId, p.rowCount]))).toEqual({
      'g=0': 1, 'g=1': 2, 'g=2': 3, 'g=3': 4, 'g=4': 5, 'g=5': 6,
    });
    const sql = connector.client.queryLog.filter((q) => q.kind === 'data')[0].sql;
    expect(sql).toContain('regexp_extract(');
    await ctx.close();
    await connector.close();
  });

  it('groups by a file-position lookup when no column hides file_index', async () => {
    const connector = await createConnector({ type: 'duckdb', path: ':memory:' });
    const ctx = contextFor(ws.dir, YAML.replace('profiling:', 'storage: {type: sqlite, path: ./lookup.db}\nprofiling:'), { connector });
    const res = await runProfile(ctx, { events: createEventBus({ hooks: [], logger: silentLogger() }) });
    expect(res.tables[0].status, res.tables[0].error).toBe('ok');
    const parts = await (await ctx.store()).getPartitions('events');
    expect(parts).toHaveLength(120);
    // bucket=b holds the ids ≡ b (mod 120): 2,000 of them, and its own column state says so.
    for (const p of parts) {
      const b = Number(p.partitionId.split('=')[1]);
      expect(p.rowCount).toBe(2_000);
      expect(p.columns.bucket).toMatchObject({ min: String(b), max: String(b) });
    }
    const sql = connector.client.queryLog.filter((q) => q.kind === 'data')[0].sql;
    expect(sql).toContain('file_index');
    expect(sql).not.toContain('regexp_extract(');
    await ctx.close();
    await connector.close();
  });

  it('uses the file position itself as the partition when every partition is one file', async () => {
    const dir = join(ws.dir, 'lake', 'single');
    mkdirSync(dir, { recursive: true });
    const c = await DuckDBClient.open(':memory:');
    await c.exec(`COPY (SELECT g, i AS v FROM range(5) a(g), range(9) b(i) WHERE i <= g * 2) TO '${dir}' (FORMAT parquet, PARTITION_BY (g))`);
    await c.close();
    const yaml = `source: {type: duckdb, path: ":memory:"}\nstorage: {type: sqlite, path: ./single.db}\nprofiling:\n  tables:\n    - name: single\n      parquet: ./lake/single\n`;
    const connector = await createConnector({ type: 'duckdb', path: ':memory:' });
    const ctx = contextFor(ws.dir, yaml, { connector });
    const res = await runProfile(ctx, { events: createEventBus({ hooks: [], logger: silentLogger() }) });
    expect(res.tables[0].status, res.tables[0].error).toBe('ok');
    const parts = await (await ctx.store()).getPartitions('single');
    expect(Object.fromEntries(parts.map((p) => [p.partitionId, [p.rowCount, p.columns.v.max]]))).toEqual({
      'g=0': [1, '0'], 'g=1': [3, '2'], 'g=2': [5, '4'], 'g=3': [7, '6'], 'g=4': [9, '8'],
    });
    const sql = connector.client.queryLog.filter((q) => q.kind === 'data')[0].sql;
    expect(sql).toContain('"__baselinr_file_index" AS __p');
    await ctx.close();
    await connector.close();
  });
});
