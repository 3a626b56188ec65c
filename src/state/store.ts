/**
 * The dialect-neutral store core. Opening a connection is the only per-backend code (`sqlite.ts`, later a
 * Postgres opener): everything here takes a ready `Kysely<DB>`.
 */
import type { Kysely } from 'kysely';
import { columnStateFromJson, fromBool, fromJson, rowToEvent, rowToRun, rowToTable, toNumber } from './codec.js';
import { commitTable, insertEventRows } from './commit.js';
import { applyMigrations, missingTablesError, pendingMigrations } from './migrator.js';
import { validateMetadataTable, type DB, type StateDialect } from './tables.js';
import type { ListOptions, PartitionRecord, StateStore, StoreOptions } from './types.js';

/** Code-unit order: identical for every dialect and collation, unlike ORDER BY on text. */
function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

function readOnlyError(location: string): Error {
  return new Error(`state store ${location} is open read-only (plan and show never write)`);
}

export function createStore(db: Kysely<DB>, dialect: StateDialect, opts: StoreOptions): StateStore {
  const stateTable = validateMetadataTable(opts.metadataTable);
  const location = opts.location ?? `(${dialect})`;
  const writable = (): void => {
    if (opts.readOnly) throw readOnlyError(location);
  };
  const limit = (o: ListOptions | undefined): number | undefined => {
    if (o?.limit === undefined) return undefined;
    if (!Number.isSafeInteger(o.limit) || o.limit < 0) throw new Error(`limit must be a non-negative integer`);
    return o.limit;
  };

  return {
    dialect,

    async migrate() {
      if (opts.readOnly || !opts.createTables) {
        const pending = await pendingMigrations(db, stateTable);
        if (pending.length === 0) return;
        throw opts.readOnly
          ? new Error(`state store ${location} has an older schema: run \`baselinr profile\` once to upgrade it`)
          : missingTablesError(pending, location);
      }
      await applyMigrations(db, dialect, stateTable);
    },

    async getTable(name) {
      const row = await db.selectFrom(stateTable).selectAll().where('table_name', '=', name).executeTakeFirst();
      return row ? rowToTable(row) : undefined;
    },

    async listTables() {
      const rows = await db.selectFrom(stateTable).selectAll().execute();
      return rows.map(rowToTable).sort(byKey((t) => t.tableName));
    },

    async getPartitions(name) {
      // One statement, so a concurrent commit is seen entirely or not at all.
      const rows = await db
        .selectFrom('baselinr_partitions as p')
        .leftJoin('baselinr_metric_states as m', (j) =>
          j.onRef('m.table_name', '=', 'p.table_name').onRef('m.partition_id', '=', 'p.partition_id'),
        )
        .select(['p.partition_id', 'p.snapshot_json', 'p.row_count', 'p.sampled', 'p.profiled_at'])
        .select(['m.column_name', 'm.ordinal', 'm.state_json'])
        .where('p.table_name', '=', name)
        .orderBy('p.partition_id')
        .orderBy('m.ordinal')
        .execute();
      const partitions = new Map<string, PartitionRecord>();
      for (const r of rows) {
        let p = partitions.get(r.partition_id);
        if (!p) {
          p = {
            partitionId: r.partition_id,
            snapshot: fromJson(r.snapshot_json),
            rowCount: toNumber(r.row_count),
            sampled: fromBool(r.sampled),
            profiledAt: r.profiled_at,
            columns: {},
          };
          partitions.set(r.partition_id, p);
        }
        if (r.column_name !== null && r.state_json !== null) {
          // defineProperty, not assignment: a column named `__proto__` must stay an ordinary key.
          Object.defineProperty(p.columns, r.column_name, {
            value: columnStateFromJson(r.state_json), enumerable: true, writable: true, configurable: true,
          });
        }
      }
      return [...partitions.values()].sort(byKey((p) => p.partitionId));
    },

    async getPartitionSnapshots(name) {
      const rows = await db
        .selectFrom('baselinr_partitions')
        .select(['partition_id', 'snapshot_json'])
        .where('table_name', '=', name)
        .execute();
      return rows
        .map((r) => ({ partitionId: r.partition_id, snapshot: fromJson<PartitionRecord['snapshot']>(r.snapshot_json) }))
        .sort(byKey((p) => p.partitionId));
    },

    async commitTable(c) {
      writable();
      await commitTable(db, dialect, stateTable, c);
    },

    async insertEvents(events) {
      writable();
      if (events.length > 0) await db.transaction().execute((trx) => insertEventRows(trx, events));
    },

    async listRuns(o) {
      let q = db.selectFrom('baselinr_runs').selectAll().orderBy('started_at', 'desc').orderBy('run_id', 'desc');
      if (o?.table !== undefined) q = q.where('table_name', '=', o.table);
      const n = limit(o);
      if (n !== undefined) q = q.limit(n);
      return (await q.execute()).map(rowToRun);
    },

    async listEvents(o) {
      let q = db.selectFrom('baselinr_events').selectAll().orderBy('id', 'desc');
      if (o?.table !== undefined) q = q.where('table_name', '=', o.table);
      const n = limit(o);
      if (n !== undefined) q = q.limit(n);
      return (await q.execute()).map(rowToEvent);
    },

    async acquireLease(table, holder, now, expiresAt) {
      writable();
      // ISO-8601 UTC strings compare as times, so the expiry test needs no dialect-specific date functions.
      const res = await db
        .insertInto('baselinr_leases')
        .values({ table_name: table, holder, acquired_at: now, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .column('table_name')
            .doUpdateSet({ holder, acquired_at: now, expires_at: expiresAt })
            .where((eb) => eb.or([eb('baselinr_leases.expires_at', '<', now), eb('baselinr_leases.holder', '=', holder)])),
        )
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async leaseHolder(table) {
      const row = await db.selectFrom('baselinr_leases').select(['holder', 'expires_at']).where('table_name', '=', table).executeTakeFirst();
      return row ? { holder: row.holder, expiresAt: row.expires_at } : undefined;
    },

    async takeOverLease(table, staleHolder, holder, now, expiresAt) {
      writable();
      const res = await db
        .updateTable('baselinr_leases')
        .set({ holder, acquired_at: now, expires_at: expiresAt })
        .where('table_name', '=', table)
        .where('holder', '=', staleHolder)
        .executeTakeFirst();
      return Number(res.numUpdatedRows ?? 0) > 0;
    },

    async releaseLease(table, holder) {
      writable();
      await db.deleteFrom('baselinr_leases').where('table_name', '=', table).where('holder', '=', holder).execute();
    },

    async close() {
      await db.destroy();
    },
  };
}

/** What a read-only caller sees when no store exists yet: nothing profiled, and nothing may be written. */
export function emptyStore(dialect: StateDialect, location: string): StateStore {
  const refuse = async (): Promise<never> => {
    throw readOnlyError(location);
  };
  return {
    dialect,
    migrate: async () => undefined,
    getTable: async () => undefined,
    listTables: async () => [],
    getPartitions: async () => [],
    getPartitionSnapshots: async () => [],
    commitTable: refuse,
    insertEvents: refuse,
    listRuns: async () => [],
    listEvents: async () => [],
    acquireLease: refuse,
    releaseLease: refuse,
    leaseHolder: async () => undefined,
    takeOverLease: refuse,
    close: async () => undefined,
  };
}
