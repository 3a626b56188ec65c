/**
 * Contracts every warehouse connector implements. The profiler and planner only see these types; the SDKs are
 * imported by `connectors/<name>/client.ts` alone and loaded lazily by the registry.
 */
import type { ColumnKind } from '../profiler/state-types.js';
import type { TableConfig } from '../config/index.js';

/** `data` scans table rows (what the planner must avoid); `metadata` reads catalogs, files or footers only. */
export type QueryKind = 'data' | 'metadata' | 'ddl';

export interface QueryLogEntry {
  sql: string;
  kind: QueryKind;
  table?: string;
  startedAt: string;
  durationMs: number;
  rows: number;
  error?: string;
}

export interface QueryOptions {
  kind: QueryKind;
  table?: string;
  signal?: AbortSignal;
}

/** Rows come back normalised: BIGINT/HUGEINT as number when safe else decimal string, DECIMAL as string. */
export type Row = Record<string, unknown>;

export interface WarehouseClient {
  query(sql: string, opts: QueryOptions): Promise<Row[]>;
  /** Every statement this client ran, in order (tests assert "zero data scans" on it). */
  readonly queryLog: QueryLogEntry[];
  close(): Promise<void>;
}

export interface ColumnInfo {
  name: string;
  /** The warehouse's type name. */
  type: string;
  kind: ColumnKind;
}

/** A file of a file-based partition (Parquet): its identity is what proves it unchanged. */
export interface FileFact {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface PartitionFact {
  id: string;
  files?: FileFact[];
  rowCount?: number;
  bytes?: number;
  /** A stable fingerprint of everything that proves the partition unchanged. */
  fingerprint: string;
}

/** What metadata says about a table right now (read without scanning data). */
export interface TableSnapshot {
  /** Stable hash of columns + partitions; equal ids mean "provably unchanged" only if `exact` is true. */
  snapshotId: string;
  /** True when the snapshot proves absence of change (file manifests); false when it can only hint. */
  exact: boolean;
  columns: ColumnInfo[];
  schemaHash: string;
  partitions: PartitionFact[];
  rowCount?: number;
  bytes?: number;
  takenAt: string;
  /**
   * Monotonic activity counters (e.g. Postgres n_tup_ins/upd/del). A counter lower than in the stored snapshot,
   * or a different `statsResetAt`, means statistics were reset: reason `stats_reset`.
   */
  counters?: Record<string, number>;
  statsResetAt?: string | null;
}

/** A configured table resolved against the source. */
export interface SourceTable {
  config: TableConfig;
  name: string;
}

/**
 * How a scan reads a table. `relation` is the FROM item; `partitionExpr` yields each row's partition key as text
 * (or is absent for an unpartitioned table).
 */
export interface ScanSource {
  relation: string;
  partitionExpr?: string;
  /** Maps the text value of `partitionExpr` back to a partition id. */
  partitionId(value: string | null): string;
  /**
   * When set, `partitionExpr` is a raw value that is cheap to group by (a truncated timestamp, the key itself)
   * and this turns it into the partition's text once per group, so the per-column pipelines of a scan do not each
   * format every row.
   */
  partitionLabel?: (groupKey: string) => string;
  /**
   * Expressions replacing plain column references, by column name: a partial scan of files written before a
   * column existed reads it as a typed NULL, and a column typed differently in those files is cast to the
   * table's type, so partition states always match what a full scan computes.
   */
  columnExprs?: Map<string, string>;
  /**
   * When set, `relation` is the UNION ALL of these FROM items (same columns, each holding whole partitions), so
   * the sketches can be grouped per branch (`Dialect.hllRegistersUnion`).
   */
  branches?: string[];
}

/** A warehouse's own estimate of what a scan would read (unknown parts are left out). */
export interface ScanEstimate {
  rows?: number;
  bytes?: number;
}

/**
 * What the state store already knows per table and partition id: the fingerprint stored with the partition's
 * last profile and the row count metadata gave then. A connector may reuse the count while the fingerprint
 * still matches (the same files), instead of re-reading metadata that cannot have changed.
 */
export type KnownPartitions = ReadonlyMap<string, KnownRowCounts>;
export type KnownRowCounts = ReadonlyMap<string, KnownRowCount>;
export interface KnownRowCount {
  fingerprint: string;
  rowCount: number;
}

export interface SourceConnector {
  readonly type: string;
  readonly dialect: import('./dialect.js').Dialect;
  readonly client: WarehouseClient;
  /** Configured tables, or every user table of the source when none are configured. */
  listTables(configured: TableConfig[]): Promise<SourceTable[]>;
  /** Metadata only: columns, partitions, file facts. Throws when the table does not exist. */
  snapshot(table: SourceTable): Promise<TableSnapshot>;
  /**
   * Optional batch form (one catalog query per schema instead of per table). Each table maps to its snapshot or
   * to the Error that `snapshot` would have thrown.
   */
  snapshotAll?(tables: SourceTable[], known?: KnownPartitions): Promise<Map<string, TableSnapshot | Error>>;
  /** Optional metadata step before a partial scan: fills `ScanSource.columnExprs` (schema drift between files). */
  alignScan?(table: SourceTable, snapshot: TableSnapshot, source: ScanSource): Promise<ScanSource>;
  /** The FROM item and partition expression for scanning `partitions` (all when undefined). */
  scanSource(table: SourceTable, snapshot: TableSnapshot, partitions?: string[]): ScanSource;
  /**
   * Optional: the warehouse's estimate for scanning `partitions` (all when undefined), read without scanning data
   * (BigQuery dry run, Snowflake EXPLAIN), so cost caps can use the exact scope.
   */
  estimateScan?(table: SourceTable, snapshot: TableSnapshot, partitions?: string[]): Promise<ScanEstimate>;
  close(): Promise<void>;
}
