/**
 * Opens the state store on PostgreSQL (`storage.type: postgres`): the same Kysely store and migrations as SQLite.
 * Several `baselinr` processes may share it: migrations serialise on an advisory lock (migrator.ts) and each
 * table's commit starts with an upsert of its state row, whose row lock orders concurrent commits of one table.
 */
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import type { PostgresConnectionConfig } from '../config/index.js';
import { describeTarget, pgOptions } from '../../connectors/postgres/connection.js';
import { MIGRATIONS } from './migrations.js';
import { pendingMigrations } from './migrator.js';
import { createStore, emptyStore } from './store.js';
import { validateMetadataTable, type DB } from './tables.js';
import type { StateStore } from './types.js';

export interface PostgresStoreOptions {
  connection: PostgresConnectionConfig;
  /** `storage.create_tables`. */
  createTables: boolean;
  metadataTable?: string;
  /** For `plan` and `show`: every transaction is read-only; a store nobody initialised reads as empty. */
  readOnly?: boolean;
  maxConnections?: number;
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<StateStore> {
  const metadataTable = validateMetadataTable(opts.metadataTable);
  const schema = opts.connection.schema ?? 'public';
  const location = `${describeTarget(opts.connection)} (schema ${schema})`;
  const mod = (await import('pg')) as typeof import('pg') & { default?: typeof import('pg') };
  const pg = mod.default ?? mod;
  const pool = new pg.Pool({ ...pgOptions(opts.connection, { readOnly: opts.readOnly }), max: opts.maxConnections ?? 4 });
  // An idle connection's network error is emitted on the pool; unhandled it would crash the process.
  pool.on('error', () => undefined);
  const searchPath = `SET search_path TO "${schema.replaceAll('"', '""')}"`;
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool,
      // Unqualified store tables resolve in the configured schema, on every pooled connection.
      onCreateConnection: (conn) => conn.executeQuery(CompiledQuery.raw(searchPath)).then(() => undefined),
    }),
  });
  try {
    if (opts.readOnly) {
      const pending = await pendingMigrations(db, metadataTable);
      if (pending.some((p) => p.migration.version === MIGRATIONS[0].version)) {
        await db.destroy();
        return emptyStore('postgres', location);
      }
      const store = createStore(db, 'postgres', { metadataTable, createTables: false, readOnly: true, location });
      await store.migrate();
      return store;
    }
    if (opts.createTables) await ensureSchema(db, schema);
    const store = createStore(db, 'postgres', { metadataTable, createTables: opts.createTables, location });
    await store.migrate();
    return store;
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw err;
  }
}

/** CREATE SCHEMA IF NOT EXISTS still races another process doing the same: serialise on the migration lock. */
async function ensureSchema(db: Kysely<DB>, schema: string): Promise<void> {
  const exists = await sql<{ n: number }>`select 1 as n from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db);
  if (exists.rows.length > 0) return;
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('baselinr_state_migrate'))`.execute(trx);
    await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
  });
}
