import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type StateStore, type TableStateRow } from '../../src/state/index.js';
import {
  HOSTILE_COLUMN,
  HOSTILE_PARTITION,
  HOSTILE_TABLE,
  floatState,
  fullCommit,
  partition,
  profile,
  run,
  stringState,
  tempDir,
} from '../unit/state-fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let store: StateStore;
let path: string;

beforeEach(async () => {
  tmp = tempDir();
  path = join(tmp.dir, 'nested', 'state.db');
  store = await openSqliteStore({ path, createTables: true });
});

afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

describe('sqlite state store: round trips', () => {
  it('round-trips every table-state field, including hostile names and exotic JSON', async () => {
    const full: Omit<TableStateRow, 'tableName'> = {
      lastDecision: 'partial',
      lastReason: 'changed_partitions',
      lastStatus: 'ok',
      snapshotId: `snap "1" 'ü' 🦆`,
      snapshot: { files: [{ path: "a'b\"c", size: Number.MAX_SAFE_INTEGER }], nested: [null, true, 1.5e-300] },
      schemaHash: 'sha256:abc',
      lastProfiledAt: '2026-11-22T10:00:00.123456Z',
      lastCheckedAt: '2026-11-22T10:05:00Z',
      nextDueAt: '2026-11-23T10:00:00.000Z',
      intervalMinutes: 1440,
      deferrals: 3,
      pending: { changed: [HOSTILE_PARTITION], inf: -Infinity, nan: NaN },
      profile: profile(HOSTILE_TABLE, Number.MAX_SAFE_INTEGER),
      sampled: true,
      updatedAt: '2026-11-22T10:05:00.999Z',
    };
    await store.commitTable({ table: { tableName: HOSTILE_TABLE, ...full } });
    expect(await store.getTable(HOSTILE_TABLE)).toEqual({ tableName: HOSTILE_TABLE, ...full });
    expect(await store.getTable('main.other')).toBeUndefined();
  });

  it('fills defaults for a new row and keeps stored fields a patch leaves out', async () => {
    await store.commitTable({ table: { tableName: 't', lastStatus: 'deferred', deferrals: 2, intervalMinutes: 60 } });
    const first = await store.getTable('t');
    expect(first).toMatchObject({ lastStatus: 'deferred', deferrals: 2, sampled: false, snapshot: null, profile: null });
    expect(first?.updatedAt).toMatch(/Z$/);
    await store.commitTable({ table: { tableName: 't', lastStatus: 'ok', intervalMinutes: null } });
    expect(await store.getTable('t')).toMatchObject({ lastStatus: 'ok', deferrals: 2, intervalMinutes: null });
  });

  it('round-trips partitions with their column states, in order, with huge row counts', async () => {
    const big = partition(HOSTILE_PARTITION, {
      rowCount: Number.MAX_SAFE_INTEGER,
      sampled: true,
      snapshot: null,
      columns: { zeta: stringState(), alpha: floatState({ min: 1, max: NaN }), [HOSTILE_COLUMN]: floatState() },
    });
    const empty = partition('a=0', { columns: {} });
    await store.commitTable({ table: { tableName: HOSTILE_TABLE }, upsertPartitions: [big, empty] });
    const got = await store.getPartitions(HOSTILE_TABLE);
    expect(got).toEqual([empty, big]);
    expect(Object.keys(got[1].columns)).toEqual(['zeta', 'alpha', HOSTILE_COLUMN]);
    expect(got[1].columns.alpha.max).toBeNaN();
    expect(await store.getPartitions('nope')).toEqual([]);
    // The planner's light read: the same ids and snapshots, in the same order, without the metric states.
    expect(await store.getPartitionSnapshots(HOSTILE_TABLE)).toEqual(got.map((p) => ({ partitionId: p.partitionId, snapshot: p.snapshot })));
    expect(await store.getPartitionSnapshots('nope')).toEqual([]);
  });

  it('round-trips runs and events, newest first, filtered and limited', async () => {
    await store.commitTable(fullCommit('a', 'run-a'));
    const failed = run('run-b', HOSTILE_TABLE, {
      startedAt: '2026-11-22T11:00:00.000Z',
      finishedAt: null,
      status: 'failed',
      error: `boom "x" 'y'`,
      rowsScanned: Number.MAX_SAFE_INTEGER,
      durationMs: 0,
      sql: null,
    });
    await store.commitTable({ table: { tableName: HOSTILE_TABLE, lastStatus: 'failed' }, run: failed });
    await store.insertEvents([
      { runId: null, eventType: 'ProfilingSkipped', tableName: HOSTILE_TABLE, payload: { reason: 'not_due' }, createdAt: '2026-11-22T12:00:00Z' },
      { runId: 'run-b', eventType: 'Hook', tableName: null, payload: null, createdAt: '2026-11-22T12:00:01Z' },
    ]);
    expect(await store.listRuns()).toEqual([failed, fullCommit('a', 'run-a').run]);
    expect(await store.listRuns({ table: 'a' })).toEqual([fullCommit('a', 'run-a').run]);
    expect(await store.listRuns({ limit: 1 })).toEqual([failed]);
    const events = await store.listEvents();
    expect(events.map((e) => e.eventType)).toEqual(['Hook', 'ProfilingSkipped', 'ProfilingCompleted']);
    expect(events[0]).toMatchObject({ runId: 'run-b', tableName: null, payload: null });
    expect(await store.listEvents({ table: HOSTILE_TABLE, limit: 5 })).toEqual([
      expect.objectContaining({ eventType: 'ProfilingSkipped', payload: { reason: 'not_due' } }),
    ]);
  });

  it('replaces a run row with the same id (written at start, finished later)', async () => {
    await store.commitTable({ table: { tableName: 'a' }, run: run('r', 'a', { status: 'running', finishedAt: null }) });
    await store.commitTable({ table: { tableName: 'a' }, run: run('r', 'a') });
    expect(await store.listRuns()).toEqual([run('r', 'a')]);
  });
});

describe('sqlite state store: partition semantics', () => {
  it('upsert replaces a partition entirely: old columns do not survive', async () => {
    await store.commitTable(fullCommit('t'));
    const replaced = partition('p=1', { rowCount: 5, columns: { only: stringState() } });
    await store.commitTable({ table: { tableName: 't' }, upsertPartitions: [replaced] });
    const got = await store.getPartitions('t');
    expect(got.map((p) => p.partitionId)).toEqual(['p=1', 'p=2']);
    expect(got[0]).toEqual(replaced);
  });

  it('removePartitions drops partitions and their metric states; other tables are untouched', async () => {
    await store.commitTable(fullCommit('t'));
    await store.commitTable(fullCommit('u', 'run-2'));
    await store.commitTable({ table: { tableName: 't' }, removePartitions: ['p=1', 'never-existed'] });
    expect((await store.getPartitions('t')).map((p) => p.partitionId)).toEqual(['p=2']);
    expect((await store.getPartitions('u')).map((p) => p.partitionId)).toEqual(['p=1', 'p=2']);
  });

  it('replaceAllPartitions keeps exactly the upserted partitions', async () => {
    await store.commitTable(fullCommit('t'));
    await store.commitTable({
      table: { tableName: 't', lastDecision: 'full' },
      upsertPartitions: [partition('p=3')],
      replaceAllPartitions: true,
    });
    expect((await store.getPartitions('t')).map((p) => p.partitionId)).toEqual(['p=3']);
    await store.commitTable({ table: { tableName: 't' }, replaceAllPartitions: true });
    expect(await store.getPartitions('t')).toEqual([]);
  });

  it('handles more partitions than one statement can bind', async () => {
    const many = Array.from({ length: 1_234 }, (_, i) => partition(`p=${String(i).padStart(5, '0')}`));
    await store.commitTable({ table: { tableName: 't' }, upsertPartitions: many, replaceAllPartitions: true });
    expect(await store.getPartitions('t')).toHaveLength(1_234);
    await store.commitTable({ table: { tableName: 't' }, removePartitions: many.slice(0, 1_000).map((p) => p.partitionId) });
    expect(await store.getPartitions('t')).toHaveLength(234);
  });
});

describe('sqlite state store: commitTable is all or nothing', () => {
  async function snapshotOf(s: StateStore) {
    return { table: await s.getTable('t'), partitions: await s.getPartitions('t'), runs: await s.listRuns(), events: await s.listEvents() };
  }

  it('a duplicate partition id (rejected by the database midway) leaves the previous state intact', async () => {
    await store.commitTable(fullCommit('t'));
    const before = await snapshotOf(store);
    const failing = {
      table: { tableName: 't', lastStatus: 'ok', snapshotId: 'snap-2', deferrals: 9 },
      removePartitions: ['p=2'],
      upsertPartitions: [partition('p=1', { rowCount: 1 }), partition('p=3'), partition('p=3')],
      run: run('run-2', 't'),
      events: [{ runId: 'run-2', eventType: 'ProfilingCompleted', tableName: 't', payload: {}, createdAt: '2026-11-22T11:00:00Z' }],
    };
    await expect(store.commitTable(failing)).rejects.toThrow(/UNIQUE constraint failed/);
    expect(await snapshotOf(store)).toEqual(before);
    await store.commitTable({ ...failing, upsertPartitions: failing.upsertPartitions.slice(0, 2) });
    expect((await store.getTable('t'))?.snapshotId).toBe('snap-2');
  });

  it('a non-serialisable column state or a bad count writes nothing', async () => {
    await store.commitTable(fullCommit('t'));
    const before = await snapshotOf(store);
    const bigintState = floatState({ sum: 10n as unknown as number });
    const cases = [
      { upsertPartitions: [partition('p=9'), partition('p=1', { columns: { x: bigintState } })] },
      { upsertPartitions: [partition('p=1', { rowCount: 1.5 })] },
      { upsertPartitions: [partition('p=1', { profiledAt: '2026-11-22 10:00:00' })] },
    ];
    for (const c of cases) {
      await expect(store.commitTable({ table: { tableName: 't', snapshotId: 'x' }, replaceAllPartitions: true, ...c })).rejects.toThrow();
    }
    expect(await snapshotOf(store)).toEqual(before);
  });
});
