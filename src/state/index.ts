/** The state store: table state, per-partition metric states, runs and events (SQLite now, Postgres later). */
export type {
  EventRecord,
  LastStatus,
  ListOptions,
  PartitionRecord,
  RunRecord,
  StateStore,
  StoreOptions,
  TableCommit,
  TablePatch,
  TableStateRow,
} from './types.js';
export type { DB, StateDialect } from './tables.js';
export { DEFAULT_METADATA_TABLE, FIXED_TABLES, validateMetadataTable } from './tables.js';
export { createStore } from './store.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite.js';
export { DDL_FILES, generateDdl } from './ddl.js';
