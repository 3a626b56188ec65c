/**
 * Versioned migrations, written once with Kysely's schema builder so the same code yields SQLite and Postgres
 * DDL (see `ddl.ts`). A migration returns builders instead of running them, so `generateDdl` can compile them
 * without a connection and the migrator can run them inside its transaction.
 *
 * Migrations are split by scope: `core` statements touch the fixed `baselinr_` tables, `tableState` statements
 * the configurable table-state table. Each scope records its own versions, so pointing the config at a new
 * metadata table name creates that table instead of assuming the old name's migrations cover it.
 */
import { sql, type CompiledQuery, type CreateTableBuilder, type Kysely } from 'kysely';
import type { DB, StateDialect, TableStateName } from './tables.js';

export interface Step {
  compile(): CompiledQuery;
  execute(): Promise<unknown>;
}

export interface Migration {
  version: number;
  name: string;
  core(db: Kysely<DB>, dialect: StateDialect): Step[];
  tableState(db: Kysely<DB>, dialect: StateDialect, table: TableStateName): Step[];
}

export const CORE_SCOPE = 'core';

/** Timestamps are TEXT (ISO-8601 UTC with `Z`) in both dialects: they round-trip byte for byte. */
const TS = 'text';

function bool(dialect: StateDialect): 'boolean' | 'integer' {
  return dialect === 'postgres' ? 'boolean' : 'integer';
}

function falseValue(dialect: StateDialect): boolean | number {
  return dialect === 'postgres' ? false : 0;
}

/** Not versioned itself: it has to exist before any version can be recorded. */
export function createVersionTable(db: Kysely<DB>, dialect: StateDialect): Step {
  const now =
    dialect === 'postgres'
      ? sql`(to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`
      : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
  return db.schema
    .createTable('baselinr_schema_version')
    .ifNotExists()
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('applied_at', TS, (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('baselinr_schema_version_pkey', ['scope', 'version']);
}

/** Literal values (no bind parameters) so the statement can be written into the committed DDL files. */
export function recordVersion(db: Kysely<DB>, scope: string, m: Migration): Step {
  return db
    .insertInto('baselinr_schema_version')
    .values({ scope: sql.lit(scope), version: sql.lit(m.version), name: sql.lit(m.name) })
    .onConflict((oc) => oc.columns(['scope', 'version']).doNothing());
}

const v1: Migration = {
  version: 1,
  name: 'initial',
  core: (db, dialect) => [
    db.schema
      .createTable('baselinr_partitions')
      .ifNotExists()
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('partition_id', 'text', (c) => c.notNull())
      .addColumn('snapshot_json', 'text')
      .addColumn('row_count', 'bigint', (c) => c.notNull())
      .addColumn('sampled', bool(dialect), (c) => c.notNull().defaultTo(falseValue(dialect)))
      .addColumn('profiled_at', TS, (c) => c.notNull())
      .addPrimaryKeyConstraint('baselinr_partitions_pkey', ['table_name', 'partition_id']),
    db.schema
      .createTable('baselinr_metric_states')
      .ifNotExists()
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('partition_id', 'text', (c) => c.notNull())
      .addColumn('column_name', 'text', (c) => c.notNull())
      .addColumn('ordinal', 'integer', (c) => c.notNull())
      .addColumn('column_type', 'text', (c) => c.notNull())
      .addColumn('state_json', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('baselinr_metric_states_pkey', ['table_name', 'partition_id', 'column_name'])
      .addForeignKeyConstraint(
        'baselinr_metric_states_partition_fkey',
        ['table_name', 'partition_id'],
        'baselinr_partitions',
        ['table_name', 'partition_id'],
        (fk) => fk.onDelete('cascade'),
      ),
    db.schema
      .createTable('baselinr_runs')
      .ifNotExists()
      .addColumn('run_id', 'text', (c) => c.primaryKey())
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('started_at', TS, (c) => c.notNull())
      .addColumn('finished_at', TS)
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('rows_scanned', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('partitions_profiled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('duration_ms', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('sql_text', 'text'),
    db.schema
      .createIndex('baselinr_runs_table_idx')
      .ifNotExists()
      .on('baselinr_runs')
      .columns(['table_name', 'started_at']),
    dialect === 'postgres'
      ? db.schema
          .createTable('baselinr_events')
          .ifNotExists()
          .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
          .$call(eventColumns)
      : db.schema
          .createTable('baselinr_events')
          .ifNotExists()
          .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
          .$call(eventColumns),
    db.schema.createIndex('baselinr_events_table_idx').ifNotExists().on('baselinr_events').columns(['table_name', 'id']),
    db.schema.createIndex('baselinr_events_run_idx').ifNotExists().on('baselinr_events').column('run_id'),
  ],
  tableState: (db, dialect, table) => [
    db.schema
      .createTable(table)
      .ifNotExists()
      .addColumn('table_name', 'text', (c) => c.primaryKey())
      .addColumn('last_decision', 'text')
      .addColumn('last_reason', 'text')
      .addColumn('last_status', 'text')
      .addColumn('snapshot_id', 'text')
      .addColumn('snapshot_json', 'text')
      .addColumn('schema_hash', 'text')
      .addColumn('last_profiled_at', TS)
      .addColumn('last_checked_at', TS)
      .addColumn('next_due_at', TS)
      .addColumn('interval_minutes', 'integer')
      .addColumn('deferrals', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('pending_json', 'text')
      .addColumn('profile_json', 'text')
      .addColumn('sampled', bool(dialect), (c) => c.notNull().defaultTo(falseValue(dialect)))
      .addColumn('updated_at', TS, (c) => c.notNull()),
  ],
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- column names accumulate in the type parameter
type EventsBuilder = CreateTableBuilder<'baselinr_events', any>;

function eventColumns(b: EventsBuilder): EventsBuilder {
  return b
    .addColumn('run_id', 'text')
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('table_name', 'text')
    .addColumn('payload_json', 'text')
    .addColumn('created_at', TS, (c) => c.notNull());
}

const v2: Migration = {
  version: 2,
  name: 'leases',
  core: (db) => [
    db.schema
      .createTable('baselinr_leases')
      .ifNotExists()
      .addColumn('table_name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('acquired_at', TS, (c) => c.notNull())
      .addColumn('expires_at', TS, (c) => c.notNull()),
  ],
  tableState: () => [],
};

/** Append only; never edit a released migration (stores in the field have already applied it). */
export const MIGRATIONS: readonly Migration[] = [v1, v2];
