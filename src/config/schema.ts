/**
 * The zod schema of `baselinr.yml` in its YAML shape (snake_case), strict at every level so a typo is an error
 * rather than a silently ignored key. Defaults live here so the generated JSON schema documents them; semantic
 * rules that span keys (record_set needs primary_key, interval ordering, ...) live in `checks.ts`.
 */
import * as z from 'zod';
import { ALL_METRICS } from '../profiler/state-types.js';
import { duckdbSourceSchema } from '../../connectors/duckdb/config.js';
import { postgresConnectionShape, postgresSourceSchema } from '../../connectors/postgres/config.js';
import { snowflakeSourceSchema } from '../../connectors/snowflake/config.js';
import { bigquerySourceSchema } from '../../connectors/bigquery/config.js';

const metric = z.enum(ALL_METRICS);
const minutes = z.number().int().positive();

export const sourceSchema = z
  .discriminatedUnion('type', [
    duckdbSourceSchema,
    postgresSourceSchema,
    snowflakeSourceSchema,
    bigquerySourceSchema,
  ])
  .describe('The warehouse profiled');

export const storageSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('sqlite'),
      path: z.string().min(1).default('.baselinr/state.db').describe('Relative to the config file'),
      create_tables: z.boolean().default(true),
    }),
    z.strictObject({
      type: z.literal('postgres'),
      ...postgresConnectionShape,
      create_tables: z.boolean().default(true),
    }),
  ])
  .describe('The state store (metric states, table state, runs, events)');

const partitionSchema = z.strictObject({
  key: z.string().min(1).describe('Native partition key, or a column bucketed into virtual partitions'),
  granularity: z.enum(['hour', 'day', 'week', 'month', 'year']).optional(),
  lookback: z.number().int().nonnegative().default(0).describe('Trailing buckets re-scanned for late arrivals'),
});

const contractSchema = z.strictObject({
  kind: z.enum(['snapshot', 'event_stream', 'record_set']),
  primary_key: z.array(z.string().min(1)).optional().describe('record_set: columns identifying a record'),
  ordering: z.string().min(1).optional().describe('record_set: column whose latest value is the current version'),
  filter: z.string().min(1).optional().describe('SQL predicate applied before profiling'),
});

// One object with every key optional rather than a union: "exactly one of table/name" is then reported as one
// clear message by checks.ts instead of a union error listing every alternative.
const tableEntrySchema = z
  .strictObject({
    table: z.string().min(1).optional().describe('A warehouse table (`schema.table` also accepted)'),
    schema: z.string().min(1).optional().describe('Schema/dataset of `table` (default: the source default)'),
    name: z.string().min(1).optional().describe('Display name of a Parquet dataset'),
    parquet: z.string().min(1).optional().describe('Hive-partitioned Parquet folder (duckdb source)'),
    partition: partitionSchema.optional(),
    contract: contractSchema.optional().describe('What a row means (default snapshot)'),
    metrics: z.array(metric).optional().describe('Overrides profiling.metrics for this table'),
  })
  .describe('Either {table, schema?} or {name, parquet}');

const profilingSchema = z.strictObject({
  metrics: z.array(metric).default([...ALL_METRICS]),
  tables: z
    .array(tableEntrySchema)
    .default([])
    .describe('Tables to profile; empty means every table the source has'),
});

const incrementalSchema = z.strictObject({
  enabled: z.boolean().default(true),
  change_detection: z
    .strictObject({
      metadata_table: z.string().min(1).default('baselinr_table_state'),
      snapshot_ttl_minutes: minutes.default(1440).describe('A snapshot older than this is re-profiled'),
    })
    .prefault({}),
  partial_profiling: z
    .strictObject({
      enabled: z.boolean().default(true),
      allow_partition_pruning: z.boolean().default(true),
      max_partitions_per_run: z.number().int().positive().default(64),
      mergeable_metrics: z.array(metric).default([...ALL_METRICS]),
    })
    .prefault({}),
  adaptive_scheduling: z
    .strictObject({
      enabled: z.boolean().default(true),
      default_interval_minutes: minutes.default(1440),
      min_interval_minutes: minutes.default(60),
      max_interval_minutes: minutes.default(10080),
      priority_overrides: z.record(z.string(), minutes).default({}).describe('Table name → interval in minutes'),
    })
    .prefault({}),
  cost_controls: z
    .strictObject({
      enabled: z.boolean().default(true),
      max_rows_scanned: z.number().int().positive().nullable().default(100_000_000).describe('null = no cap'),
      max_bytes_scanned: z.number().int().positive().nullable().default(null).describe('null = no cap'),
      fallback_strategy: z.enum(['sample', 'defer', 'full']).default('sample'),
      sample_fraction: z.number().gt(0).lte(1).default(0.05),
      max_deferrals: z.number().int().nonnegative().default(3),
      max_deferral_age_minutes: minutes.default(1440),
    })
    .prefault({}),
});

const hookSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('log') }),
  z.strictObject({ type: z.literal('sql') }).describe('Events table in the state store'),
  z.strictObject({
    type: z.literal('webhook'),
    url: z.string().min(1),
    timeout_ms: z.number().int().positive().default(5000),
    retries: z.number().int().nonnegative().default(2),
    headers: z.record(z.string(), z.string()).default({}).describe('Values are secrets (never logged)'),
  }),
  z.strictObject({ type: z.literal('module'), path: z.string().min(1).describe('JS module exporting a handler') }),
]);

export const configSchema = z
  .strictObject({
    source: sourceSchema,
    storage: storageSchema.prefault({ type: 'sqlite' }),
    profiling: profilingSchema.prefault({}),
    incremental: incrementalSchema.prefault({}),
    hooks: z.array(hookSchema).default([]),
  })
  .describe('baselinr.yml: incremental data profiling configuration');

/** The validated YAML shape, before normalization. */
export type RawConfig = z.output<typeof configSchema>;
export type RawTableEntry = z.output<typeof tableEntrySchema>;
