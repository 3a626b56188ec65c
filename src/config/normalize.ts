/**
 * Validated YAML shape → the camelCase BaselinrConfig: defaults made explicit, relative paths resolved against
 * the config file's folder, table display names derived once here so every module agrees on them.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { splitTable, tableDisplayName } from './checks.js';
import type { RawConfig, RawTableEntry } from './schema.js';
import type {
  BaselinrConfig,
  HookConfig,
  PostgresConnectionConfig,
  SourceConfig,
  StorageConfig,
  TableConfig,
} from './types.js';

type RawPostgres = Extract<RawConfig['source'], { type: 'postgres' }>;

/** `:memory:` stays as is, `~/` is the home folder, anything else relative is relative to `baseDir`. */
export function resolvePath(baseDir: string, p: string): string {
  if (p === ':memory:') return p;
  if (p === '~' || p.startsWith('~/')) return join(homedir(), p.slice(1));
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

export function normalizeConfig(
  raw: RawConfig,
  ctx: { file: string; baseDir: string; lineOf: (tableIndex: number) => number | undefined },
): BaselinrConfig {
  const { baseDir } = ctx;
  const inc = raw.incremental;
  const cd = inc.change_detection;
  const pp = inc.partial_profiling;
  const as = inc.adaptive_scheduling;
  const cc = inc.cost_controls;
  return {
    file: ctx.file,
    baseDir,
    source: normalizeSource(raw.source, baseDir),
    storage: normalizeStorage(raw.storage, baseDir),
    profiling: {
      metrics: [...raw.profiling.metrics],
      tables: raw.profiling.tables.map((t, i) => normalizeTable(t, raw.source, baseDir, ctx.lineOf(i))),
    },
    incremental: {
      enabled: inc.enabled,
      changeDetection: { metadataTable: cd.metadata_table, snapshotTtlMinutes: cd.snapshot_ttl_minutes },
      partialProfiling: {
        enabled: pp.enabled,
        allowPartitionPruning: pp.allow_partition_pruning,
        maxPartitionsPerRun: pp.max_partitions_per_run,
        mergeableMetrics: [...pp.mergeable_metrics],
      },
      adaptiveScheduling: {
        enabled: as.enabled,
        defaultIntervalMinutes: as.default_interval_minutes,
        minIntervalMinutes: as.min_interval_minutes,
        maxIntervalMinutes: as.max_interval_minutes,
        priorityOverrides: { ...as.priority_overrides },
      },
      costControls: {
        enabled: cc.enabled,
        maxRowsScanned: cc.max_rows_scanned,
        maxBytesScanned: cc.max_bytes_scanned,
        fallbackStrategy: cc.fallback_strategy,
        sampleFraction: cc.sample_fraction,
        maxDeferrals: cc.max_deferrals,
        maxDeferralAgeMinutes: cc.max_deferral_age_minutes,
      },
    },
    hooks: raw.hooks.map((h): HookConfig => {
      if (h.type === 'webhook') {
        return { type: 'webhook', url: h.url, timeoutMs: h.timeout_ms, retries: h.retries, headers: { ...h.headers } };
      }
      return h.type === 'module' ? { type: 'module', path: resolvePath(baseDir, h.path) } : { type: h.type };
    }),
  };
}

function normalizeSource(s: RawConfig['source'], baseDir: string): SourceConfig {
  switch (s.type) {
    case 'duckdb':
      return compact({ type: 'duckdb', path: resolvePath(baseDir, s.path), threads: s.threads });
    case 'postgres':
      return compact({ type: 'postgres' as const, ...postgresConnection(s), sketchMemoryMb: s.sketch_memory_mb });
    case 'snowflake':
      return compact({
        type: 'snowflake',
        account: s.account,
        user: s.user,
        password: s.password,
        privateKeyPath: s.private_key_path === undefined ? undefined : resolvePath(baseDir, s.private_key_path),
        privateKeyPassphrase: s.private_key_passphrase,
        warehouse: s.warehouse,
        database: s.database,
        schema: s.schema,
        role: s.role,
        accessUrl: s.access_url,
      });
    case 'bigquery':
      return compact({
        type: 'bigquery',
        projectId: s.project_id,
        location: s.location,
        dataset: s.dataset,
        keyFile: s.key_file === undefined ? undefined : resolvePath(baseDir, s.key_file),
        apiEndpoint: s.api_endpoint,
      });
  }
}

function normalizeStorage(s: RawConfig['storage'], baseDir: string): StorageConfig {
  if (s.type === 'sqlite') return { type: 'sqlite', path: resolvePath(baseDir, s.path), createTables: s.create_tables };
  return { type: 'postgres', ...postgresConnection(s), createTables: s.create_tables };
}

// With a url the url is the single source of truth, so no discrete default (port 5432) may compete with it.
function postgresConnection(s: Omit<RawPostgres, 'type'>): PostgresConnectionConfig {
  const { url, host, port, database, user, password, schema, ssl, statement_timeout_ms } = s;
  const base = url === undefined ? { host, port: port ?? 5432, database, user, password } : { url };
  return compact({ ...base, schema: schema ?? 'public', ssl, statementTimeoutMs: statement_timeout_ms });
}

function normalizeTable(t: RawTableEntry, source: RawConfig['source'], baseDir: string, line?: number): TableConfig {
  const c = t.contract;
  return compact({
    name: tableDisplayName(t, source),
    kind: t.table === undefined ? 'parquet' : 'table',
    ...(t.table === undefined ? { parquetPath: resolvePath(baseDir, t.parquet ?? '') } : splitTable(t, source)),
    partition: t.partition && compact({ ...t.partition }),
    contract: c
      ? compact({ kind: c.kind, primaryKey: c.primary_key?.slice(), ordering: c.ordering, filter: c.filter })
      : { kind: 'snapshot' },
    metrics: t.metrics && [...t.metrics],
    line,
  });
}

/** Drop undefined-valued keys so configs compare and print cleanly (`toEqual`, JSON, redaction). */
function compact<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
