import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDdl, openSqliteStore } from '../../src/state/index.js';
import { fullCommit, partition, tempDir } from './state-fixtures.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function tablesIn(path: string): string[] {
  const db = new Database(path, { readonly: true });
  const rows = db.prepare(`select name from sqlite_master where type = 'table' order by name`).all() as { name: string }[];
  db.close();
  return rows.map((r) => r.name);
}

describe('openSqliteStore: read-only', () => {
  it('on a missing file creates neither the file nor its folder, reads empty, refuses writes', async () => {
    const folder = join(tmp.dir, 'not', 'there');
    const path = join(folder, 'state.db');
    const store = await openSqliteStore({ path, createTables: true, readOnly: true });
    await store.migrate();
    expect(await store.getTable('main.events')).toBeUndefined();
    expect(await store.listTables()).toEqual([]);
    expect(await store.getPartitions('main.events')).toEqual([]);
    expect(await store.listRuns()).toEqual([]);
    expect(await store.listEvents({ limit: 3 })).toEqual([]);
    await expect(store.commitTable(fullCommit('t'))).rejects.toThrow(/read-only/);
    await expect(store.insertEvents([])).rejects.toThrow(/read-only/);
    await store.close();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(tmp.dir, 'not'))).toBe(false);
  });

  it('reads an existing store, refuses writes, and leaves its contents unchanged', async () => {
    const path = join(tmp.dir, 'state.db');
    const writer = await openSqliteStore({ path, createTables: true });
    await writer.commitTable(fullCommit('t'));
    await writer.close();
    const digest = (): string => createHash('sha256').update(readFileSync(path)).digest('hex');
    const before = digest();
    const reader = await openSqliteStore({ path, createTables: true, readOnly: true });
    expect((await reader.getTable('t'))?.lastReason).toBe('first_run');
    expect(await reader.getPartitions('t')).toHaveLength(2);
    await expect(reader.commitTable({ table: { tableName: 't', deferrals: 1 } })).rejects.toThrow(/read-only/);
    await reader.close();
    expect(digest()).toBe(before);
    expect(await readBack(path)).toBe(0);
  });

  it('reads an uninitialised file as empty without creating tables in it', async () => {
    const path = join(tmp.dir, 'blank.db');
    new Database(path).close();
    const store = await openSqliteStore({ path, createTables: true, readOnly: true });
    expect(await store.listTables()).toEqual([]);
    await store.close();
    expect(tablesIn(path)).toEqual([]);
  });
});

async function readBack(path: string): Promise<number> {
  const store = await openSqliteStore({ path, createTables: false });
  const deferrals = (await store.getTable('t'))?.deferrals ?? -1;
  await store.close();
  return deferrals;
}

describe('openSqliteStore: schema', () => {
  it('creates parent folders and WAL mode; migrate twice is idempotent', async () => {
    const path = join(tmp.dir, 'a', 'b', 'state.db');
    const store = await openSqliteStore({ path, createTables: true });
    await store.commitTable(fullCommit('t'));
    await store.migrate();
    await store.migrate();
    await store.close();
    const again = await openSqliteStore({ path, createTables: true });
    expect(await again.getPartitions('t')).toHaveLength(2);
    await again.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('select scope, version from baselinr_schema_version order by scope').all()).toEqual([
      { scope: 'baselinr_table_state', version: 1 },
      { scope: 'baselinr_table_state', version: 2 },
      { scope: 'core', version: 1 },
      { scope: 'core', version: 2 },
    ]);
    db.close();
  });

  it('with create_tables false and no tables, fails clearly and creates no tables', async () => {
    const path = join(tmp.dir, 'state.db');
    await expect(openSqliteStore({ path, createTables: false })).rejects.toThrow(/storage\.create_tables: true/);
    expect(tablesIn(path)).toEqual([]);
  });

  it('accepts a store created from the committed DDL with create_tables false (the DBA path)', async () => {
    const path = join(tmp.dir, 'dba.db');
    const db = new Database(path);
    db.exec(generateDdl('sqlite'));
    db.close();
    const store = await openSqliteStore({ path, createTables: false });
    await store.commitTable(fullCommit('t'));
    expect(await store.getPartitions('t')).toHaveLength(2);
    await store.close();
  });

  it('uses a custom metadata table name and rejects hostile ones', async () => {
    const path = join(tmp.dir, 'state.db');
    const store = await openSqliteStore({ path, createTables: true, metadataTable: 'My_State_2' });
    await store.commitTable(fullCommit('t'));
    await store.close();
    expect(tablesIn(path)).toContain('My_State_2');
    expect(tablesIn(path)).not.toContain('baselinr_table_state');
    // Switching names creates the new table rather than assuming the old migrations cover it.
    const other = await openSqliteStore({ path, createTables: true });
    expect(await other.getTable('t')).toBeUndefined();
    await other.close();
    for (const bad of ['x"; drop table baselinr_runs; --', 'a.b', '1abc', '', 'ü', 'a'.repeat(64), 'baselinr_runs']) {
      await expect(openSqliteStore({ path, createTables: true, metadataTable: bad })).rejects.toThrow(/metadata_table/);
    }
    expect(tablesIn(path)).toContain('baselinr_runs');
  });

  it('two instances on one file: the reader sees each commit whole', async () => {
    const path = join(tmp.dir, 'state.db');
    mkdirSync(tmp.dir, { recursive: true });
    const writer = await openSqliteStore({ path, createTables: true });
    const reader = await openSqliteStore({ path, createTables: false });
    const readOnly = await openSqliteStore({ path, createTables: false, readOnly: true });
    for (let i = 1; i <= 5; i++) {
      await writer.commitTable({
        table: { tableName: 't', snapshotId: `s${i}` },
        upsertPartitions: Array.from({ length: i }, (_, j) => partition(`p=${j}`, { rowCount: i })),
        replaceAllPartitions: true,
      });
      for (const r of [reader, readOnly]) {
        expect((await r.getTable('t'))?.snapshotId).toBe(`s${i}`);
        const parts = await r.getPartitions('t');
        expect(parts.map((p) => p.rowCount)).toEqual(Array(i).fill(i));
      }
    }
    await Promise.all([writer.close(), reader.close(), readOnly.close()]);
    expect(readdirSync(tmp.dir).filter((f) => !f.startsWith('state.db'))).toEqual([]);
  });
});
