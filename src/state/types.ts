/** Public shapes of the state store. All timestamps are ISO-8601 UTC strings ending in `Z`. */
import type { ColumnState, TableProfile } from '../profiler/state-types.js';
import type { StateDialect } from './tables.js';

export type LastStatus = 'ok' | 'failed' | 'skipped' | 'deferred';

export interface TableStateRow {
  tableName: string;
  lastDecision: string | null;
  lastReason: string | null;
  lastStatus: string | null;
  snapshotId: string | null;
  /** The snapshot observed BEFORE the last successful profile's scan (parsed JSON). */
  snapshot: unknown | null;
  schemaHash: string | null;
  lastProfiledAt: string | null;
  lastCheckedAt: string | null;
  nextDueAt: string | null;
  intervalMinutes: number | null;
  deferrals: number;
  /** Changes planned but not yet profiled (parsed JSON). */
  pending: unknown | null;
  /** The merged profile `show` prints. */
  profile: TableProfile | null;
  sampled: boolean;
  updatedAt: string;
}

/**
 * Fields to upsert into a table's state. `undefined` (or absent) keeps the stored value, or the default for a
 * new row; `null` clears it. `updatedAt` defaults to now.
 */
export type TablePatch = { tableName: string } & Partial<Omit<TableStateRow, 'tableName'>>;

export interface PartitionRecord {
  partitionId: string;
  snapshot: unknown | null;
  /** A non-negative safe integer. */
  rowCount: number;
  sampled: boolean;
  profiledAt: string;
  /** Keyed by column name; key order is kept (it is the warehouse column order). */
  columns: Record<string, ColumnState>;
}

export interface RunRecord {
  runId: string;
  tableName: string;
  startedAt: string;
  finishedAt: string | null;
  decision: string;
  reason: string;
  status: string;
  rowsScanned: number;
  partitionsProfiled: number;
  durationMs: number;
  error: string | null;
  sql?: string | null;
}

export interface EventRecord {
  /** Assigned by the store; present on records read back, ignored on insert. */
  id?: number;
  runId: string | null;
  eventType: string;
  tableName: string | null;
  payload: unknown;
  createdAt: string;
}

export interface TableCommit {
  table: TablePatch;
  /** Replace these partitions entirely: their old metric states are dropped, not merged. */
  upsertPartitions?: PartitionRecord[];
  /** Drop these partitions and their metric states. */
  removePartitions?: string[];
  /** Drop every partition of the table not in `upsertPartitions` (a full profile). */
  replaceAllPartitions?: boolean;
  /** Inserted, or replaced when a run with the same id exists (a run row written at start, finished here). */
  run?: RunRecord;
  events?: EventRecord[];
}

export interface ListOptions {
  table?: string;
  /** Newest first; at most this many. */
  limit?: number;
}

export interface StateStore {
  readonly dialect: StateDialect;
  /** Creates or upgrades the tables (or, with `createTables: false`, checks they are current). Idempotent. */
  migrate(): Promise<void>;
  getTable(name: string): Promise<TableStateRow | undefined>;
  /** Sorted by table name (code-unit order, the same in every dialect). */
  listTables(): Promise<TableStateRow[]>;
  /** Sorted by partition id, each with its columns' states. */
  getPartitions(name: string): Promise<PartitionRecord[]>;
  /** Partition ids and stored snapshots only, sorted by id: what planning needs, without parsing metric states. */
  getPartitionSnapshots(name: string): Promise<Array<Pick<PartitionRecord, 'partitionId' | 'snapshot'>>>;
  /** One transaction: all or nothing. */
  commitTable(c: TableCommit): Promise<void>;
  insertEvents(e: EventRecord[]): Promise<void>;
  /** Newest first (by `startedAt`). */
  listRuns(opts?: ListOptions): Promise<RunRecord[]>;
  /** Newest first (by insertion). */
  listEvents(opts?: ListOptions): Promise<EventRecord[]>;
  /**
   * Takes (or renews) the table's lease for `holder` until `expiresAt`: succeeds when the table is free, its
   * lease expired (a crashed holder), or `holder` already holds it. One atomic statement.
   */
  acquireLease(table: string, holder: string, now: string, expiresAt: string): Promise<boolean>;
  releaseLease(table: string, holder: string): Promise<void>;
  /** The current holder of a table's lease, if any (expired or not). */
  leaseHolder(table: string): Promise<{ holder: string; expiresAt: string } | undefined>;
  /** Replaces `staleHolder`'s lease (a holder known to be dead); atomic, fails if someone else took it meanwhile. */
  takeOverLease(table: string, staleHolder: string, holder: string, now: string, expiresAt: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** The table-state table (`incremental.change_detection.metadata_table`). */
  metadataTable?: string;
  /** `storage.create_tables`: when false, `migrate()` only verifies and never runs DDL. */
  createTables: boolean;
  readOnly?: boolean;
  /** Names the store in error messages (a file path or a redacted URL), never a secret. */
  location?: string;
}
