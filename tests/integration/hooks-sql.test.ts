import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/events/index.js';
import { openSqliteStore, type StateStore } from '../../src/state/index.js';
import { captureLogger } from '../fixtures/hooks/capture-logger.js';
import { completed, failed, started } from '../fixtures/hooks/events.js';

let dir: string;
let store: StateStore;
let closed: boolean;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baselinr-hooks-sql-'));
  store = await openSqliteStore({ path: join(dir, 'state.db'), createTables: true });
  await store.migrate();
  closed = false;
});
afterEach(async () => {
  if (!closed) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sql hook', () => {
  it('stores each event as a row: type, table, run id, payload and time', async () => {
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [{ type: 'sql' }], store, logger: cap.logger });
    const events = [started('main.orders'), completed('main.orders'), failed('main.users', 'oops')];
    for (const e of events) bus.emit(e);
    await bus.flush();
    const rows = await store.listEvents();
    // Newest first, so reversed emit order: the hook keeps emit order.
    expect(rows.map((r) => r.eventType)).toEqual(['ProfilingFailed', 'ProfilingCompleted', 'ProfilingStarted']);
    expect(rows.reverse().map(({ id: _id, ...r }) => r)).toEqual(
      events.map((e) => ({ runId: e.runId, eventType: e.type, tableName: e.table, payload: e, createdAt: e.at })),
    );
    expect(await store.listEvents({ table: 'main.users' })).toHaveLength(1);
    expect(cap.warnings()).toEqual([]);
  });

  it('masks secrets in stored payloads', async () => {
    const bus = createEventBus({ hooks: [{ type: 'sql' }], store, logger: captureLogger().logger, secrets: ['s3cr3t!'] });
    bus.emit(failed('t', 'login failed with s3cr3t!'));
    await bus.flush();
    const [row] = await store.listEvents();
    expect(row.payload).toMatchObject({ error: 'login failed with ***' });
  });

  it('a store that fails the write is logged per event, never thrown', async () => {
    await store.close();
    closed = true;
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [{ type: 'sql' }], store, logger: cap.logger });
    bus.emit(started());
    bus.emit(completed());
    await expect(bus.flush()).resolves.toBeUndefined();
    expect(cap.warnings()).toHaveLength(2);
    expect(cap.warnings()[0].hook).toBe('sql');
  });

  it('without a store, says so once', async () => {
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [{ type: 'sql' }], logger: cap.logger });
    for (let i = 0; i < 3; i++) bus.emit(started());
    await bus.flush();
    expect(cap.warnings().map((w) => w.msg)).toEqual([expect.stringContaining('no state store')]);
  });
});
