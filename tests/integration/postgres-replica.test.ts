/**
 * A real hot standby (pg_basebackup -R, streaming from the test server): its statistics counters do not see the
 * primary's writes, so the detector must never claim "unchanged" there — snapshots are inexact, partition
 * fingerprints are never reused, and every run profiles (full/metadata_unavailable), even after primary writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createConnector } from '../../connectors/postgres/index.js';
import type { SourceConnector, SourceTable } from '../../src/connectors/types.js';
import type { TableConfig } from '../../src/config/index.js';
import { runProfile } from '../../src/api/profile.js';
import { createEventBus } from '../../src/events/index.js';
import { silentLogger } from '../../src/log.js';
import { contextFor, tempDir } from '../helpers/workspace.js';
import { createTestDatabase, startStandby, type TestDatabase } from '../helpers/pg.js';

let db: TestDatabase;
let standbyUrl: string;
let conn: SourceConnector;
const ws = tempDir();
const PART: SourceTable = {
  name: 'r.part',
  config: { name: 'r.part', kind: 'table', schema: 'r', table: 'part', contract: { kind: 'snapshot' } } as TableConfig,
};

/** Waits until the standby has replayed everything the primary has written so far. */
async function caughtUp(): Promise<void> {
  const [{ lsn }] = await db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  const c = new pg.Client({ connectionString: standbyUrl });
  await c.connect();
  try {
    for (let i = 0; i < 600; i++) {
      const r = await c.query(`SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS ok`);
      if (r.rows[0].ok) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error('the standby did not catch up within 30 s');
  } finally {
    await c.end();
  }
}

async function profile(): Promise<Array<{ decision: string; reason: string; status: string }>> {
  const yaml = `source: {type: postgres, url: ${JSON.stringify(standbyUrl)}}
incremental: {adaptive_scheduling: {enabled: false}}
profiling:
  tables: [{schema: r, table: part}, {schema: r, table: plain}]
`;
  const ctx = contextFor(ws.dir, yaml);
  try {
    return (await runProfile(ctx, { events: createEventBus({ hooks: [], logger: silentLogger() }) })).tables;
  } finally {
    await ctx.close();
  }
}

beforeAll(async () => {
  db = await createTestDatabase('replica');
  await db.exec(`CREATE SCHEMA r; CREATE TABLE r.plain AS SELECT g AS id FROM generate_series(1, 100) g;
    CREATE TABLE r.part (k int, v int) PARTITION BY LIST (k);
    CREATE TABLE r.p0 PARTITION OF r.part FOR VALUES IN (0); CREATE TABLE r.p1 PARTITION OF r.part FOR VALUES IN (1);
    INSERT INTO r.part SELECT g % 2, g FROM generate_series(1, 100) g`);
  standbyUrl = await startStandby(db.url);
  await caughtUp();
  conn = await createConnector({ type: 'postgres', url: standbyUrl, schema: 'public' });
}, 120_000);
afterAll(async () => {
  await conn?.close();
  await db?.drop();
  ws.cleanup();
});

describe('detection on a read replica', () => {
  it('snapshots are inexact and never prove a partition unchanged', async () => {
    const [a, b] = [await conn.snapshot(PART), await conn.snapshot(PART)];
    expect([a.exact, b.exact]).toEqual([false, false]);
    // Same catalog, same id (so the planner says metadata_unavailable), but fingerprints never repeat.
    expect(b.snapshotId).toBe(a.snapshotId);
    expect(a.partitions.map((p) => p.id)).toEqual(['p0', 'p1']);
    a.partitions.forEach((p, i) => expect(p.fingerprint).not.toBe(b.partitions[i].fingerprint));
  });

  it('every run profiles, also after writes the standby statistics never saw', async () => {
    const first = await profile();
    expect(first.map((t) => [t.decision, t.reason, t.status])).toEqual([['full', 'first_run', 'ok'], ['full', 'first_run', 'ok']]);
    const again = await profile();
    expect(again.map((t) => [t.decision, t.reason, t.status])).toEqual([['full', 'metadata_unavailable', 'ok'], ['full', 'metadata_unavailable', 'ok']]);
    await db.exec(`INSERT INTO r.part VALUES (1, 1000); UPDATE r.plain SET id = -id WHERE id = 5`);
    await caughtUp();
    const after = await profile();
    expect(after.map((t) => [t.decision, t.reason, t.status])).toEqual([['full', 'metadata_unavailable', 'ok'], ['full', 'metadata_unavailable', 'ok']]);
  });
});
