/** Valid configs: defaults, normalization, ${ENV} interpolation, path resolution and secret handling. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BaselinrConfig,
  exampleConfigPath,
  exampleConfigText,
  interpolateString,
  loadConfig,
  parseConfig,
  redactConfig,
  secretValues,
} from '../../src/config/index.js';
import { ALL_METRICS } from '../../src/profiler/state-types.js';

const BASE = '/srv/proj';
const parse = (yaml: string, env: Record<string, string> = {}): BaselinrConfig =>
  parseConfig(yaml, { file: 'baselinr.yml', baseDir: BASE, env });

// SPEC §5, verbatim.
const SPEC_EXAMPLE = `source:                        # the warehouse profiled
  type: duckdb                 # duckdb | postgres | snowflake | bigquery
  path: ./demo/warehouse.duckdb
storage:                       # the state store
  type: sqlite                 # sqlite | postgres
  path: ./.baselinr/state.db
  create_tables: true
profiling:
  metrics: [count, null_count, null_ratio, distinct_count, unique_ratio, min, max, sum, mean, stddev]
  tables:
    - table: events            # a table (schema from \`schema:\` or the source default)
      schema: main
      partition: {key: event_date}            # native partitions, or a column for virtual partitions
    - name: orders             # a Hive-partitioned Parquet dataset (duckdb source)
      parquet: ./demo/lake/orders
    - table: page_views
      partition: {key: _loaded_at, granularity: day, lookback: 2}   # watermark buckets
      contract: {kind: event_stream}          # event_stream | record_set | snapshot
    - table: accounts
      contract: {kind: record_set, primary_key: [id], ordering: updated_at}
incremental:                   # the keys of the incremental profiling guide
  enabled: true
  change_detection: {metadata_table: baselinr_table_state, snapshot_ttl_minutes: 1440}
  partial_profiling: {enabled: true, allow_partition_pruning: true, max_partitions_per_run: 64,
                      mergeable_metrics: [count, null_count, min, max]}
  adaptive_scheduling: {enabled: true, default_interval_minutes: 1440, min_interval_minutes: 60,
                        max_interval_minutes: 10080, priority_overrides: {"analytics.daily_orders": 180}}
  cost_controls: {enabled: true, max_rows_scanned: 100000000, max_bytes_scanned: null,
                  fallback_strategy: sample, sample_fraction: 0.05}
hooks:
  - {type: log}
  - {type: sql}                                 # events table in the state store
  - {type: webhook, url: "https://example.invalid/hook"}
`;

const DEFAULT_INCREMENTAL = {
  enabled: true,
  changeDetection: { metadataTable: 'baselinr_table_state', snapshotTtlMinutes: 1440 },
  partialProfiling: {
    enabled: true,
    allowPartitionPruning: true,
    maxPartitionsPerRun: 64,
    mergeableMetrics: [...ALL_METRICS],
  },
  adaptiveScheduling: {
    enabled: true,
    defaultIntervalMinutes: 1440,
    minIntervalMinutes: 60,
    maxIntervalMinutes: 10080,
    priorityOverrides: {},
  },
  costControls: {
    enabled: true,
    maxRowsScanned: 100_000_000,
    maxBytesScanned: null,
    fallbackStrategy: 'sample',
    sampleFraction: 0.05,
    maxDeferrals: 3,
    maxDeferralAgeMinutes: 1440,
  },
};

describe('valid configs', () => {
  it('parses the shipped example config', () => {
    const cfg = loadConfig(exampleConfigPath(), {});
    const root = dirname(exampleConfigPath());
    expect(cfg.source).toEqual({ type: 'duckdb', path: join(root, 'warehouse.duckdb') });
    expect(cfg.storage).toEqual({ type: 'sqlite', path: join(root, '.baselinr/state.db'), createTables: true });
    expect(cfg.profiling).toEqual({ metrics: [...ALL_METRICS], tables: [] });
    expect(cfg.incremental).toEqual(DEFAULT_INCREMENTAL);
    expect(cfg.hooks).toEqual([{ type: 'log' }]);
    expect(exampleConfigText()).toContain('${VAR:-default}');
  });

  it('parses the SPEC §5 example', () => {
    const cfg = parse(SPEC_EXAMPLE);
    expect(cfg.file).toBe(join(process.cwd(), 'baselinr.yml'));
    expect(cfg.source).toEqual({ type: 'duckdb', path: `${BASE}/demo/warehouse.duckdb` });
    expect(cfg.profiling.metrics).toHaveLength(10);
    expect(cfg.profiling.tables).toEqual([
      { name: 'main.events', kind: 'table', schema: 'main', table: 'events', partition: { key: 'event_date', lookback: 0 }, contract: { kind: 'snapshot' }, line: 11 },
      { name: 'orders', kind: 'parquet', parquetPath: `${BASE}/demo/lake/orders`, contract: { kind: 'snapshot' }, line: 14 },
      { name: 'main.page_views', kind: 'table', schema: 'main', table: 'page_views', partition: { key: '_loaded_at', granularity: 'day', lookback: 2 }, contract: { kind: 'event_stream' }, line: 16 },
      { name: 'main.accounts', kind: 'table', schema: 'main', table: 'accounts', contract: { kind: 'record_set', primaryKey: ['id'], ordering: 'updated_at' }, line: 19 },
    ]);
    expect(cfg.incremental).toEqual({
      ...DEFAULT_INCREMENTAL,
      partialProfiling: { ...DEFAULT_INCREMENTAL.partialProfiling, mergeableMetrics: ['count', 'null_count', 'min', 'max'] },
      adaptiveScheduling: { ...DEFAULT_INCREMENTAL.adaptiveScheduling, priorityOverrides: { 'analytics.daily_orders': 180 } },
    });
    expect(cfg.hooks).toEqual([
      { type: 'log' },
      { type: 'sql' },
      { type: 'webhook', url: 'https://example.invalid/hook', timeoutMs: 5000, retries: 2, headers: {} },
    ]);
  });

  it('fills every default from just a source', () => {
    const cfg = parse('source: {type: duckdb}\n');
    expect(cfg).toEqual({
      file: join(process.cwd(), 'baselinr.yml'),
      baseDir: BASE,
      source: { type: 'duckdb', path: ':memory:' },
      storage: { type: 'sqlite', path: `${BASE}/.baselinr/state.db`, createTables: true },
      profiling: { metrics: [...ALL_METRICS], tables: [] },
      incremental: DEFAULT_INCREMENTAL,
      hooks: [],
    });
  });

  it('keeps explicit incremental values and nulls', () => {
    const cfg = parse('source: {type: duckdb}\nincremental:\n  enabled: false\n  cost_controls: {max_rows_scanned: null, max_bytes_scanned: 5000000000, fallback_strategy: defer, sample_fraction: 1}\n');
    expect(cfg.incremental.enabled).toBe(false);
    expect(cfg.incremental.costControls).toMatchObject({ maxRowsScanned: null, maxBytesScanned: 5e9, fallbackStrategy: 'defer', sampleFraction: 1 });
  });

  describe('table names per source', () => {
    const names = (source: string, tables: string) => parse(`source: ${source}\nprofiling:\n  tables: ${tables}\n`).profiling.tables.map((t) => t.name);
    it('duckdb defaults to main, and `schema.table` is split', () => {
      expect(names('{type: duckdb}', '[{table: a}, {table: raw.b}, {table: c, schema: s}]')).toEqual(['main.a', 'raw.b', 's.c']);
    });
    it('postgres uses source.schema or public', () => {
      expect(names('{type: postgres, host: h}', '[{table: a}]')).toEqual(['public.a']);
      expect(names('{type: postgres, host: h, schema: sales}', '[{table: a}]')).toEqual(['sales.a']);
    });
    it('snowflake uses source.schema, bigquery source.dataset', () => {
      expect(names('{type: snowflake, account: x, user: u, password: p, database: d, schema: RAW}', '[{table: A}]')).toEqual(['RAW.A']);
      expect(names('{type: bigquery, project_id: p, dataset: analytics}', '[{table: t}]')).toEqual(['analytics.t']);
    });
  });

  describe('environment interpolation', () => {
    it('substitutes ${VAR} and ${VAR:-default} (default also when empty)', () => {
      const cfg = parse(
        'source:\n  type: postgres\n  host: ${PGHOST}\n  user: ${PGUSER:-baselinr}\n  database: ${PGDATABASE:-analytics}\n  password: ${PGPASSWORD}\n',
        { PGHOST: 'db.internal', PGDATABASE: '', PGPASSWORD: 'pw:with#chars' },
      );
      expect(cfg.source).toMatchObject({ host: 'db.internal', user: 'baselinr', database: 'analytics', password: 'pw:with#chars' });
    });
    it('re-types plain scalars but not quoted ones', () => {
      const cfg = parse('source:\n  type: postgres\n  port: ${PGPORT:-6543}\n  ssl: ${PGSSL}\n  user: "${N}"\n', { PGSSL: 'true', N: '42' });
      expect(cfg.source).toMatchObject({ port: 6543, ssl: true, user: '42' });
    });
    it('interpolates inside strings and keeps $${ literal', () => {
      expect(interpolateString('a-${X}-b $${Y} ${Z:-z}', { X: '1' })).toEqual({ value: 'a-1-b ${Y} z', errors: [] });
      expect(interpolateString('${NOPE}', {}).errors).toEqual(['environment variable NOPE is not set']);
      expect(interpolateString('${bad-name}', {}).errors[0]).toContain('invalid environment variable name');
      expect(interpolateString('${OPEN', {}).errors[0]).toContain('unterminated');
    });
    it('applies to list items and does not touch keys or comments', () => {
      const cfg = parse('# ${IGNORED}\nsource: {type: duckdb}\nprofiling:\n  metrics: ["${M1}", count]\n', { M1: 'max' });
      expect(cfg.profiling.metrics).toEqual(['max', 'count']);
    });
  });

  describe('relative paths resolve against the config folder', () => {
    it('resolves source, storage, parquet, key files and hook modules', () => {
      const duck = parse('source: {type: duckdb, path: data/wh.duckdb}\nstorage: {type: sqlite, path: state/s.db}\nprofiling:\n  tables: [{name: o, parquet: lake/o}]\nhooks: [{type: module, path: ./hooks/h.js}]\n');
      expect(duck.source).toEqual({ type: 'duckdb', path: `${BASE}/data/wh.duckdb` });
      expect(duck.storage).toMatchObject({ path: `${BASE}/state/s.db` });
      expect(duck.profiling.tables[0].parquetPath).toBe(`${BASE}/lake/o`);
      expect(duck.hooks).toEqual([{ type: 'module', path: `${BASE}/hooks/h.js` }]);
      const sf = parse('source: {type: snowflake, account: a, user: u, database: d, private_key_path: keys/k.p8}\n');
      expect(sf.source).toMatchObject({ privateKeyPath: `${BASE}/keys/k.p8` });
      const bq = parse('source: {type: bigquery, project_id: p, key_file: ../sa.json}\n');
      expect(bq.source).toMatchObject({ keyFile: '/srv/sa.json' });
    });
    it('keeps :memory:, absolute paths and expands ~/', () => {
      const cfg = parse('source: {type: duckdb, path: ":memory:"}\nstorage: {type: sqlite, path: /var/lib/b.db}\nhooks: [{type: module, path: ~/h.js}]\n');
      expect(cfg.source).toEqual({ type: 'duckdb', path: ':memory:' });
      expect(cfg.storage).toMatchObject({ path: '/var/lib/b.db' });
      expect(cfg.hooks[0]).toEqual({ type: 'module', path: join(homedir(), 'h.js') });
    });
    it('loadConfig uses the file folder as baseDir', () => {
      const dir = mkdtempSync(join(tmpdir(), 'baselinr-cfg-'));
      mkdirSync(join(dir, 'conf'));
      writeFileSync(join(dir, 'conf', 'b.yml'), 'source: {type: duckdb, path: ../wh.duckdb}\n');
      const cfg = loadConfig(join(dir, 'conf', 'b.yml'), {});
      expect(cfg.baseDir).toBe(join(dir, 'conf'));
      expect(cfg.file).toBe(join(dir, 'conf', 'b.yml'));
      expect(cfg.source).toEqual({ type: 'duckdb', path: join(dir, 'wh.duckdb') });
    });
  });

  describe('postgres connection', () => {
    it('defaults port and schema with discrete keys, not with a url', () => {
      expect(parse('source: {type: postgres, host: h}\n').source).toEqual({ type: 'postgres', host: 'h', port: 5432, schema: 'public' });
      expect(parse('source: {type: postgres, host: h, sketch_memory_mb: 0}\n').source).toMatchObject({ type: 'postgres', sketchMemoryMb: 0 });
      expect(parse('source: {type: postgres, url: "postgres://h/db"}\nstorage: {type: postgres, url: "postgres://h/s"}\n').storage).toEqual({
        type: 'postgres',
        url: 'postgres://h/s',
        schema: 'public',
        createTables: true,
      });
    });
  });

  describe('secrets', () => {
    const yaml = `source:
  type: postgres
  url: "postgres://app:p%40ss-url@db:5432/wh?sslmode=require"
storage:
  type: postgres
  host: state-db
  password: \${STATE_PW}
hooks:
  - type: webhook
    url: https://hooks.example.invalid/x?token=tok-123&team=data
    headers: {Authorization: "Bearer hdr-456", X-Team: data-eng}
`;
    const cfg = parse(yaml, { STATE_PW: 'state-pw-789' });

    it('secretValues lists every literal secret', () => {
      expect(new Set(secretValues(cfg))).toEqual(
        new Set(['p%40ss-url', 'p@ss-url', 'state-pw-789', 'tok-123', 'Bearer hdr-456', 'data-eng']),
      );
      expect(secretValues(parse('source: {type: duckdb}\n'))).toEqual([]);
    });

    it('redactConfig masks them in a deep copy', () => {
      const red = redactConfig(cfg);
      const text = JSON.stringify(red);
      for (const s of secretValues(cfg)) expect(text).not.toContain(s);
      expect(red.source).toMatchObject({ url: 'postgres://app:***@db:5432/wh?sslmode=require' });
      expect(red.storage).toMatchObject({ host: 'state-db', password: '***' });
      expect(red.hooks[0]).toMatchObject({ url: 'https://hooks.example.invalid/x?token=***&team=data', headers: { Authorization: '***', 'X-Team': '***' } });
      // The original is untouched.
      expect(cfg.storage).toMatchObject({ password: 'state-pw-789' });
    });

    it('covers snowflake passwords and key passphrases', () => {
      const sf = parse('source: {type: snowflake, account: a, user: u, database: d, private_key_path: k.p8, private_key_passphrase: phrase-1}\n');
      expect(secretValues(sf)).toEqual(['phrase-1']);
      expect(redactConfig(sf).source).toMatchObject({ privateKeyPassphrase: '***', privateKeyPath: `${BASE}/k.p8` });
    });
  });
});
