/**
 * DuckDB tables with a partition key: rows are grouped by the raw key (or its truncated timestamp) and each
 * group's text is made once, so partition ids are the same texts as before while no per-column pipeline formats
 * every row. Float keys keep grouping by text (-0 and 0 are one value but two texts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { createConnector } from '../../connectors/duckdb/index.js';
import { runProfile } from '../../src/api/profile.js';
import { createEventBus } from '../../src/events/index.js';
import { silentLogger } from '../../src/log.js';
import { contextFor, tempDir } from '../helpers/workspace.js';

const ws = tempDir('baselinr-pkeys-');
const db = join(ws.dir, 'w.duckdb');

beforeAll(async () => {
  const c = await DuckDBClient.open(db);
  // Day d holds d + 1 rows (one of them at 23:59:59), plus two rows without a load time.
  await c.exec(`CREATE TABLE ev AS SELECT TIMESTAMP '2026-03-01' + INTERVAL (d) DAY + INTERVAL (i * 3600) SECOND AS ts,
      d * 10 + i AS v, CASE WHEN i = 0 THEN CAST('-0.0' AS DOUBLE) ELSE i * 1.0 END::DOUBLE AS f
    FROM range(4) a(d), range(24) b(i) WHERE i <= d OR i = 23
    UNION ALL SELECT NULL, 1000, 0.0 UNION ALL SELECT NULL, 1001, 0.0`);
  await c.close();
});
afterAll(() => ws.cleanup());

async function profile(partition: string) {
  const yaml = `source: {type: duckdb, path: ./w.duckdb}\nstorage: {type: sqlite, path: ./s-${partition.replace(/\W/g, '')}.db}\nprofiling:\n  tables:\n    - table: ev\n      partition: ${partition}\n`;
  const connector = await createConnector({ type: 'duckdb', path: db });
  const ctx = contextFor(ws.dir, yaml, { connector });
  const res = await runProfile(ctx, { events: createEventBus({ hooks: [], logger: silentLogger() }) });
  expect(res.tables[0].status, res.tables[0].error).toBe('ok');
  const parts = await (await ctx.store()).getPartitions('main.ev');
  const sql = connector.client.queryLog.filter((q) => q.kind === 'data')[0].sql;
  await ctx.close();
  await connector.close();
  return { parts: Object.fromEntries(parts.map((p) => [p.partitionId, p.rowCount])), sql };
}

describe('DuckDB table partition keys', () => {
  it('day buckets: grouped by date_trunc, labelled once per group', async () => {
    const { parts, sql } = await profile('{key: ts, granularity: day}');
    expect(parts).toEqual({
      'ts=2026-03-01T00:00:00': 2, 'ts=2026-03-02T00:00:00': 3, 'ts=2026-03-03T00:00:00': 4, 'ts=2026-03-04T00:00:00': 5,
      'ts IS NULL': 2,
    });
    expect(sql).toContain(`date_trunc('day', "ts") AS __p`);
    // Two labels (the base group and the sketches' group), none per row.
    expect(sql.match(/strftime\(date_trunc\('day', (src|hll)\.__p\)/g)?.length).toBe(2);
    expect(sql.match(/date_trunc\('day', "ts"\)/g)?.length).toBe(1);
  });

  it('float keys group by text, as before', async () => {
    const { parts, sql } = await profile('{key: f}');
    expect(parts['f=-0.0']).toBe(4);
    expect(parts['f=0.0']).toBe(2);
    expect(sql).toContain(`CAST("f" AS VARCHAR) AS __p`);
  });
});
