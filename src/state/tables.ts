/**
 * Typed Kysely view of the state tables. Column types describe what the drivers hand back: better-sqlite3 gives
 * booleans as 0/1 and int64 as number, pg gives int8 as string and booleans as boolean. `codec.ts` converts at
 * the boundary so nothing above this layer sees driver-specific shapes.
 */
import type { ColumnType, Generated } from 'kysely';

export type StateDialect = 'sqlite' | 'postgres';

/** Read as whatever the driver returns; written as a plain number. */
type BigIntColumn = ColumnType<number | string | bigint, number, number>;
/** SQLite stores 0/1, Postgres a real boolean. */
type BoolColumn = ColumnType<number | boolean, number | boolean, number | boolean>;

export interface TableStateTable {
  table_name: string;
  last_decision: string | null;
  last_reason: string | null;
  last_status: string | null;
  snapshot_id: string | null;
  snapshot_json: string | null;
  schema_hash: string | null;
  last_profiled_at: string | null;
  last_checked_at: string | null;
  next_due_at: string | null;
  interval_minutes: number | null;
  deferrals: ColumnType<number, number | undefined, number>;
  pending_json: string | null;
  profile_json: string | null;
  sampled: ColumnType<number | boolean, number | boolean | undefined, number | boolean>;
  updated_at: string;
}

export interface PartitionsTable {
  table_name: string;
  partition_id: string;
  snapshot_json: string | null;
  row_count: BigIntColumn;
  sampled: BoolColumn;
  profiled_at: string;
}

export interface MetricStatesTable {
  table_name: string;
  partition_id: string;
  column_name: string;
  /** Keeps the warehouse column order, which JSON objects keyed by name would otherwise lose in SQL. */
  ordinal: number;
  column_type: string;
  state_json: string;
}

export interface RunsTable {
  run_id: string;
  table_name: string;
  started_at: string;
  finished_at: string | null;
  decision: string;
  reason: string;
  status: string;
  rows_scanned: BigIntColumn;
  partitions_profiled: number;
  duration_ms: BigIntColumn;
  error: string | null;
  sql_text: string | null;
}

export interface EventsTable {
  id: Generated<number | string>;
  run_id: string | null;
  event_type: string;
  table_name: string | null;
  payload_json: string | null;
  created_at: string;
}

export interface SchemaVersionTable {
  /** `core` for the fixed tables, else the configured table-state table name (it can be renamed by config). */
  scope: string;
  version: number;
  name: string;
  applied_at: Generated<string>;
}

/**
 * The table-state table is keyed here under its default name; queries cast the configured (validated) name to
 * this key, so Kysely still quotes it as an identifier.
 */
export interface DB {
  baselinr_table_state: TableStateTable;
  baselinr_partitions: PartitionsTable;
  baselinr_metric_states: MetricStatesTable;
  baselinr_runs: RunsTable;
  baselinr_events: EventsTable;
  baselinr_schema_version: SchemaVersionTable;
  baselinr_leases: LeasesTable;
}

/** Who is profiling a table right now; a lease past `expires_at` belongs to a crashed holder. */
export interface LeasesTable {
  table_name: string;
  holder: string;
  acquired_at: string;
  expires_at: string;
}

export type TableStateName = 'baselinr_table_state';

export const DEFAULT_METADATA_TABLE = 'baselinr_table_state';
export const FIXED_TABLES = [
  'baselinr_partitions',
  'baselinr_metric_states',
  'baselinr_runs',
  'baselinr_events',
  'baselinr_schema_version',
] as const;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Validates the configurable table-state table name. Postgres truncates identifiers past 63 bytes, which would
 * silently alias two names, and a fixed table's name would make two models share one table.
 */
export function validateMetadataTable(name: string | undefined): TableStateName {
  const value = name ?? DEFAULT_METADATA_TABLE;
  if (!IDENTIFIER.test(value) || value.length > 63) {
    throw new Error(
      `invalid incremental.change_detection.metadata_table ${JSON.stringify(value)}: ` +
        'use letters, digits and underscores, starting with a letter or underscore, at most 63 characters',
    );
  }
  if ((FIXED_TABLES as readonly string[]).includes(value.toLowerCase())) {
    throw new Error(`incremental.change_detection.metadata_table ${JSON.stringify(value)} is reserved by baselinr`);
  }
  return value as TableStateName;
}
