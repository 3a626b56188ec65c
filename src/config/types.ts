/**
 * The normalized configuration every other module consumes. YAML keys are snake_case (SPEC §5); here they are
 * camelCase, defaults are filled in and every path is absolute, so no consumer re-derives any of it.
 */
import type { MetricName } from '../profiler/state-types.js';

export type { MetricName };

export interface DuckdbSourceConfig {
  type: 'duckdb';
  /** Absolute path, or ':memory:'. */
  path: string;
  threads?: number;
}

/** Either `url` is set, or the discrete keys (port then defaults to 5432). Never both. */
export interface PostgresConnectionConfig {
  url?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  /** Default schema for table entries; 'public' unless set. */
  schema?: string;
  ssl?: boolean;
  statementTimeoutMs?: number;
}

export interface PostgresSourceConfig extends PostgresConnectionConfig {
  type: 'postgres';
  /** Upper bound (MB) on the server memory of per-partition sketch grouping; default 1024, 0 = never. */
  sketchMemoryMb?: number;
}

export interface SnowflakeSourceConfig {
  type: 'snowflake';
  account: string;
  user: string;
  password?: string;
  /** Absolute path; the file is read by the connector, never by the config loader. */
  privateKeyPath?: string;
  privateKeyPassphrase?: string;
  warehouse?: string;
  database: string;
  schema?: string;
  role?: string;
  /** snowflake-sdk `accessUrl`, for local fakes in tests. */
  accessUrl?: string;
}

export interface BigquerySourceConfig {
  type: 'bigquery';
  projectId: string;
  location?: string;
  dataset?: string;
  /** Absolute path of a service-account key file. */
  keyFile?: string;
  /** API endpoint override, for local fakes in tests. */
  apiEndpoint?: string;
}

export type SourceConfig = DuckdbSourceConfig | PostgresSourceConfig | SnowflakeSourceConfig | BigquerySourceConfig;
export type SourceType = SourceConfig['type'];

export type StorageConfig =
  | { type: 'sqlite'; /** Absolute path or ':memory:'. */ path: string; createTables: boolean }
  | ({ type: 'postgres'; createTables: boolean } & PostgresConnectionConfig);

export type Granularity = 'hour' | 'day' | 'week' | 'month' | 'year';

export interface PartitionConfig {
  key: string;
  granularity?: Granularity;
  /** Watermark buckets before the latest one that are re-scanned for late arrivals. */
  lookback: number;
}

export type ContractKind = 'snapshot' | 'event_stream' | 'record_set';

export interface ContractConfig {
  kind: ContractKind;
  /** Non-empty when kind is 'record_set'. */
  primaryKey?: string[];
  /** Set when kind is 'record_set'. */
  ordering?: string;
  filter?: string;
}

export interface TableConfig {
  /** Display name: `schema.table` for `table:` entries, the configured `name:` for Parquet datasets. */
  name: string;
  kind: 'table' | 'parquet';
  schema?: string;
  table?: string;
  /** Absolute folder of a Hive-partitioned Parquet dataset (duckdb source only). */
  parquetPath?: string;
  partition?: PartitionConfig;
  contract: ContractConfig;
  /** Per-table override of `profiling.metrics`. */
  metrics?: MetricName[];
  /** 1-based line of the entry in the config file, for later error messages. */
  line?: number;
}

export type FallbackStrategy = 'sample' | 'defer' | 'full';

export interface IncrementalConfig {
  enabled: boolean;
  changeDetection: { metadataTable: string; snapshotTtlMinutes: number };
  partialProfiling: {
    enabled: boolean;
    allowPartitionPruning: boolean;
    maxPartitionsPerRun: number;
    mergeableMetrics: MetricName[];
  };
  adaptiveScheduling: {
    enabled: boolean;
    defaultIntervalMinutes: number;
    minIntervalMinutes: number;
    maxIntervalMinutes: number;
    /** Table display name → interval in minutes. */
    priorityOverrides: Record<string, number>;
  };
  costControls: {
    enabled: boolean;
    /** null = no cap. */
    maxRowsScanned: number | null;
    maxBytesScanned: number | null;
    fallbackStrategy: FallbackStrategy;
    /** 0 < f <= 1. */
    sampleFraction: number;
    maxDeferrals: number;
    maxDeferralAgeMinutes: number;
  };
}

export type HookConfig =
  | { type: 'log' }
  | { type: 'sql' }
  | { type: 'webhook'; url: string; timeoutMs: number; retries: number; headers: Record<string, string> }
  | { type: 'module'; /** Absolute path of the JS module. */ path: string };

export interface BaselinrConfig {
  /** Absolute path of the config file ('<inline>' resolved against baseDir when parsed from text). */
  file: string;
  /** Folder relative paths were resolved against. */
  baseDir: string;
  source: SourceConfig;
  storage: StorageConfig;
  profiling: { metrics: MetricName[]; tables: TableConfig[] };
  incremental: IncrementalConfig;
  hooks: HookConfig[];
}
