/**
 * Parquet row counts come from file footers. A partition whose files are the ones stored with its last profile
 * (same fingerprint) keeps its stored count, so a tick reads footers only for the partitions that changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { createConnector } from '../../connectors/duckdb/index.js';
import { runProfile } from '../../src/api/profile.js';
import { createEventBus } from '../../src/events/index.js';
import { silentLogger } from '../../src/log.js';
import { contextFor, tempDir } from '../helpers/workspace.js';

const ws = tempDir('baselinr-rc-');
const lake = join(ws.dir, 'lake');
const YAML = `source: {type: duckdb, path: ":memory:"}\nincremental: {adaptive_scheduling: {enabled: false}}\nprofiling:\n  tables:\n    - name: ev\n      parquet: ./lake\n`;
const events = createEventBus({ hooks: [], logger: silentLogger() });

async function write(sql: string): Promise<void> {
  const c = await DuckDBClient.open(':memory:');
  await c.exec(sql);
  await c.close();
}

beforeAll(async () => {
  mkdirSync(lake, { recursive: true });
  // Partition p=k holds 100·(k+1) rows.
  await write(`COPY (SELECT p, i FROM range(5) a(p), range(100 * (p + 1)) b(i)) TO '${lake}' (FORMAT parquet, PARTITION_BY (p))`);
});
afterAll(() => ws.cleanup());

describe('Parquet row counts reused while the files are unchanged', () => {
  it('stores each partition count with its fingerprint and re-reads footers only for changed partitions', async () => {
    const connector = await createConnector({ type: 'duckdb', path: ':memory:' });
    const ctx = contextFor(ws.dir, YAML, { connector });
    const first = await runProfile(ctx, { events });
    expect(first.tables[0].status, first.tables[0].error).toBe('ok');
    const store = await ctx.store();
    const stored = await store.getPartitionSnapshots('ev');
    expect(stored.map((p) => (p.snapshot as { rowCount: number }).rowCount)).toEqual([100, 200, 300, 400, 500]);

    await write(`COPY (SELECT 2 AS p, i FROM range(1000, 1042) b(i)) TO '${join(lake, 'p=2', 'more.parquet')}' (FORMAT parquet)`);
    const mark = connector.client.queryLog.length;
    const second = await runProfile(ctx, { events });
    const t = second.tables[0];
    expect(t.status, t.error).toBe('ok');
    expect([t.decision, t.changed_partitions]).toEqual(['partial', ['p=2']]);
    const footers = connector.client.queryLog.slice(mark).filter((q) => q.sql.includes('parquet_file_metadata'));
    expect(footers).toHaveLength(1);
    expect(footers[0].sql).toContain('p=2');
    for (const other of ['p=0', 'p=1', 'p=3', 'p=4']) expect(footers[0].sql).not.toContain(other);
    expect(t.profile!.row_count).toBe(1542);
    const table = await store.getTable('ev');
    expect((table!.snapshot as { rowCount: number }).rowCount).toBe(1542);
    await ctx.close();
    await connector.close();
  });

  it('takes a stored count only when the fingerprint matches', async () => {
    const connector = await createConnector({ type: 'duckdb', path: ':memory:' });
    const ctx = contextFor(ws.dir, YAML, { connector });
    const [table] = await connector.listTables(ctx.config.profiling.tables);
    const fresh = (await connector.snapshotAll!([table])).get('ev');
    if (!fresh || fresh instanceof Error) throw new Error(String(fresh));
    const [p0, p1] = fresh.partitions;
    // A deliberately wrong count under the right fingerprint shows the reuse; under a stale one it is ignored.
    const known = new Map([['ev', new Map([[p0.id, { fingerprint: p0.fingerprint, rowCount: 7 }], [p1.id, { fingerprint: 'stale', rowCount: 9 }]])]]);
    const reused = (await connector.snapshotAll!([table], known)).get('ev');
    if (!reused || reused instanceof Error) throw new Error(String(reused));
    expect(reused.partitions.map((p) => p.rowCount)).toEqual([7, 200, 342, 400, 500]);
    expect(fresh.partitions.map((p) => p.rowCount)).toEqual([100, 200, 342, 400, 500]);
    await ctx.close();
    await connector.close();
  });
});
