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
});
