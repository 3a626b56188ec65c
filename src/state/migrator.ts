/**
 * Applies `MIGRATIONS` once per scope. Each migration runs in its own transaction together with its version
 * row, so a crash leaves either the old or the new schema. Concurrent `baselinr profile` processes are
 * serialised by the write lock (SQLite: the store begins transactions IMMEDIATE; Postgres: an advisory lock),
 * and the applied set is re-read under that lock so the loser finds nothing left to do.
 */
import { sql, type Kysely } from 'kysely';
import { CORE_SCOPE, MIGRATIONS, createVersionTable, recordVersion, type Migration } from './migrations.js';
import type { DB, StateDialect, TableStateName } from './tables.js';

export interface PendingMigration {
  scope: string;
  migration: Migration;
}

function isMissingTable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '42P01' || /no such table/i.test(e?.message ?? '');
}

async function appliedVersions(db: Kysely<DB>): Promise<Set<string>> {
  try {
    const rows = await db.selectFrom('baselinr_schema_version').select(['scope', 'version']).execute();
    return new Set(rows.map((r) => `${r.scope}:${Number(r.version)}`));
  } catch (err) {
    if (isMissingTable(err)) return new Set();
    throw err;
  }
}

function pendingFrom(applied: Set<string>, metadataTable: TableStateName): PendingMigration[] {
  const pending: PendingMigration[] = [];
  for (const migration of MIGRATIONS) {
    for (const scope of [CORE_SCOPE, metadataTable]) {
      if (!applied.has(`${scope}:${migration.version}`)) pending.push({ scope, migration });
    }
  }
  return pending;
}

/** Read-only: which migrations this store still needs. */
export async function pendingMigrations(db: Kysely<DB>, metadataTable: TableStateName): Promise<PendingMigration[]> {
  return pendingFrom(await appliedVersions(db), metadataTable);
}

export async function applyMigrations(
  db: Kysely<DB>,
  dialect: StateDialect,
  metadataTable: TableStateName,
): Promise<void> {
  // Cheap check outside a transaction: the common case (nothing to do) takes no write lock.
  const pending = await pendingMigrations(db, metadataTable);
  const versions = new Set(pending.map((p) => p.migration.version));
  for (const migration of MIGRATIONS.filter((m) => versions.has(m.version))) {
    await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') {
        await sql`select pg_advisory_xact_lock(hashtext('baselinr_state_migrate'))`.execute(trx);
      }
      // Created before it is read: a failed read would abort a Postgres transaction.
      await createVersionTable(trx, dialect).execute();
      const applied = await appliedVersions(trx);
      for (const scope of [CORE_SCOPE, metadataTable]) {
        if (applied.has(`${scope}:${migration.version}`)) continue;
        const steps =
          scope === CORE_SCOPE ? migration.core(trx, dialect) : migration.tableState(trx, dialect, metadataTable);
        for (const step of steps) await step.execute();
        await recordVersion(trx, scope, migration).execute();
      }
    });
  }
}

/** Explains what is missing when `storage.create_tables` is false and the schema is not current. */
export function missingTablesError(pending: PendingMigration[], location: string): Error {
  const scopes = [...new Set(pending.map((p) => (p.scope === CORE_SCOPE ? 'baselinr_* tables' : p.scope)))];
  const versions = [...new Set(pending.map((p) => p.migration.version))].join(', ');
  return new Error(
    `state store ${location} is missing tables or migrations (${scopes.join(', ')}; version ${versions}) and ` +
      'storage.create_tables is false: set storage.create_tables: true (or run once with it), ' +
      'or apply schema/state-sqlite.sql / schema/state-postgres.sql yourself',
  );
}
