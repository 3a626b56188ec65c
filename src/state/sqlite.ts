/** Opens the embedded SQLite state store (one file, `storage.type: sqlite`). */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
} from 'kysely';
import { MIGRATIONS } from './migrations.js';
import { pendingMigrations } from './migrator.js';
import { createStore, emptyStore } from './store.js';
import { validateMetadataTable, type DB } from './tables.js';
import type { StateStore } from './types.js';

export interface SqliteStoreOptions {
  path: string;
  /** `storage.create_tables`. */
  createTables: boolean;
  metadataTable?: string;
  /** For `plan` and `show`: create nothing, write nothing; a missing file reads as an empty store. */
  readOnly?: boolean;
  busyTimeoutMs?: number;
}

/**
 * BEGIN IMMEDIATE takes the write lock up front. A deferred transaction that reads and then writes while
 * another process committed fails at once with SQLITE_BUSY_SNAPSHOT instead of waiting out busy_timeout.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

function kyselyFor(database: Database.Database): Kysely<DB> {
  const dialect: Dialect = {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new ImmediateSqliteDriver({ database }),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
  return new Kysely<DB>({ dialect });
}

export async function openSqliteStore(opts: SqliteStoreOptions): Promise<StateStore> {
  const metadataTable = validateMetadataTable(opts.metadataTable);
  const location = opts.path;
  const busyTimeout = opts.busyTimeoutMs ?? 10_000;

  if (opts.readOnly) {
    // A missing store is a fact, not an error: nothing has been profiled yet. Creating it (or its folder)
    // here would break the promise that plan and show write nothing.
    if (opts.path === ':memory:' || !existsSync(opts.path)) return emptyStore('sqlite', location);
    const database = new Database(opts.path, { readonly: true, fileMustExist: true });
    database.pragma(`busy_timeout = ${busyTimeout}`);
    const db = kyselyFor(database);
    // A file (or a metadata table name) no run has initialised yet reads as empty, like a missing file. A
    // schema that is initialised but behind is an error from migrate() rather than a missing column later.
    const pending = await pendingMigrations(db, metadataTable);
    if (pending.some((p) => p.migration.version === MIGRATIONS[0].version)) {
      await db.destroy();
      return emptyStore('sqlite', location);
    }
    const store = createStore(db, 'sqlite', { metadataTable, createTables: false, readOnly: true, location });
    await store.migrate().catch(async (err: unknown) => {
      await db.destroy();
      throw err;
    });
    return store;
  }

  if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
  const database = new Database(opts.path);
  try {
    database.pragma(`busy_timeout = ${busyTimeout}`);
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
  } catch (err) {
    database.close();
    throw err;
  }
  const db = kyselyFor(database);
  const store = createStore(db, 'sqlite', {
    metadataTable,
    createTables: opts.createTables,
    location,
  });
  try {
    await store.migrate();
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return store;
}
