/**
 * Broken configs → one-line ConfigError naming the key path and the line a user must fix, never a secret.
 * Lines are 1-based and counted by hand from each YAML text below.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/index.js';

const SECRET = 'hunter2-s3cret';
const PG = `source:\n  type: postgres\n  host: db.internal\n  password: ${SECRET}\n`; // lines 1-4
const DUCK = 'source:\n  type: duckdb\n'; // lines 1-2

interface Case {
  name: string;
  yaml: string;
  path: string;
  line: number;
  /** Substring of the message (after the location). */
  says: string;
  env?: Record<string, string>;
}

const cases: Case[] = [
  { name: 'unknown top-level key', yaml: `${PG}profilng: {}\n`, path: 'profilng', line: 5, says: 'unknown key "profilng" (did you mean "profiling"?)' },
  { name: 'unknown key in a table entry', yaml: `${DUCK}profiling:\n  tables:\n    - table: a\n    - tabel: b\n`, path: 'profiling.tables[1].tabel', line: 6, says: 'unknown key "tabel"' },
  { name: 'unknown key in cost_controls', yaml: `${PG}incremental:\n  cost_controls:\n    max_row: 10\n`, path: 'incremental.cost_controls.max_row', line: 7, says: 'did you mean "max_rows_scanned"' },
  { name: 'unknown connection key', yaml: `${PG}  passwd: x\n`, path: 'source.passwd', line: 5, says: 'unknown key "passwd"' },
  { name: 'string for a number', yaml: `${PG}  port: fivefour\n`, path: 'source.port', line: 5, says: 'expected a number, got a string' },
  { name: 'number for a boolean', yaml: `${PG}incremental:\n  enabled: 1\n`, path: 'incremental.enabled', line: 6, says: 'expected true or false' },
  { name: 'list for a map', yaml: `${DUCK}incremental:\n  adaptive_scheduling:\n    priority_overrides: [a, b]\n`, path: 'incremental.adaptive_scheduling.priority_overrides', line: 5, says: 'expected a mapping, got a list' },
  { name: 'wrong type on the password itself', yaml: `source:\n  type: postgres\n  password: [${SECRET}]\n`, path: 'source.password', line: 3, says: 'expected a string, got a list' },
  { name: 'missing source', yaml: 'storage:\n  type: sqlite\n', path: 'source', line: 1, says: 'missing required key "source"' },
  { name: 'bad source type', yaml: `source:\n  type: oracle\n  password: ${SECRET}\n`, path: 'source.type', line: 2, says: 'unknown source type "oracle" (valid: duckdb, postgres, snowflake, bigquery)' },
  { name: 'source without type', yaml: 'source:\n  path: x.duckdb\n', path: 'source.type', line: 2, says: 'missing required key "type"' },
  { name: 'snowflake without account', yaml: `source:\n  type: snowflake\n  user: u\n  database: d\n  password: ${SECRET}\n`, path: 'source.account', line: 2, says: 'missing required key "account"' },
  { name: 'snowflake without any credential', yaml: 'source:\n  type: snowflake\n  account: a\n  user: u\n  database: d\n', path: 'source.password', line: 2, says: '"password" or "private_key_path"' },
  { name: 'tab indentation', yaml: `${PG}\tport: 5432\n`, path: 'source', line: 5, says: 'invalid YAML: Tabs are not allowed' },
  { name: 'bad indentation', yaml: `${PG} port: 5432\n`, path: 'source', line: 5, says: 'invalid YAML' },
  { name: 'unclosed quote next to a password', yaml: `source:\n  type: postgres\n  password: "${SECRET}\n  port: 1\n`, path: 'source.password', line: 5, says: 'Missing closing "quote' },
  { name: 'duplicate key', yaml: `${PG}  host: other\n`, path: 'source.host', line: 5, says: 'Map keys must be unique' },
  { name: 'missing env var', yaml: `source:\n  type: postgres\n  host: db\n  password: \${PG_SECRET_PW}\n`, path: 'source.password', line: 4, says: 'environment variable PG_SECRET_PW is not set' },
  { name: 'record_set without primary_key', yaml: `${DUCK}profiling:\n  tables:\n    - table: accounts\n      contract: {kind: record_set, ordering: updated_at}\n`, path: 'profiling.tables[0].contract.primary_key', line: 6, says: 'non-empty "primary_key"' },
  { name: 'record_set with empty primary_key', yaml: `${DUCK}profiling:\n  tables:\n    - table: accounts\n      contract:\n        kind: record_set\n        primary_key: []\n        ordering: u\n`, path: 'profiling.tables[0].contract.primary_key', line: 8, says: 'non-empty "primary_key"' },
  { name: 'record_set without ordering', yaml: `${DUCK}profiling:\n  tables:\n    - table: accounts\n      contract: {kind: record_set, primary_key: [id]}\n`, path: 'profiling.tables[0].contract.ordering', line: 6, says: '"ordering"' },
  { name: 'duplicate table names', yaml: `${DUCK}profiling:\n  tables:\n    - table: events\n    - table: orders\n    - {schema: main, table: events}\n`, path: 'profiling.tables[2]', line: 7, says: 'duplicate table "main.events"' },
  { name: 'invalid metric name', yaml: `${DUCK}profiling:\n  metrics: [count, median]\n`, path: 'profiling.metrics[1]', line: 4, says: 'unknown metric "median"' },
  { name: 'invalid per-table metric', yaml: `${DUCK}profiling:\n  tables:\n    - table: t\n      metrics:\n        - p99\n`, path: 'profiling.tables[0].metrics[0]', line: 7, says: 'unknown metric "p99"' },
  { name: 'negative sample_fraction', yaml: `${PG}incremental:\n  cost_controls: {sample_fraction: -0.1}\n`, path: 'incremental.cost_controls.sample_fraction', line: 6, says: 'must be > 0, got -0.1' },
  { name: 'sample_fraction above 1', yaml: `${PG}incremental:\n  cost_controls:\n    sample_fraction: 1.5\n`, path: 'incremental.cost_controls.sample_fraction', line: 7, says: 'must be <= 1, got 1.5' },
  { name: 'parquet on a postgres source', yaml: `${PG}profiling:\n  tables:\n    - name: orders\n      parquet: ./lake/orders\n`, path: 'profiling.tables[0].parquet', line: 8, says: 'need a duckdb source' },
  { name: 'both table and name', yaml: `${DUCK}profiling:\n  tables:\n    - table: orders\n      name: orders2\n      parquet: ./lake\n`, path: 'profiling.tables[0].name', line: 6, says: 'use either "table"' },
  { name: 'name without parquet', yaml: `${DUCK}profiling:\n  tables:\n    - name: orders\n`, path: 'profiling.tables[0].parquet', line: 5, says: 'missing required key "parquet"' },
  { name: 'interval min > max', yaml: `${PG}incremental:\n  adaptive_scheduling:\n    min_interval_minutes: 600\n    max_interval_minutes: 120\n`, path: 'incremental.adaptive_scheduling.min_interval_minutes', line: 7, says: 'must be <= max_interval_minutes (120)' },
  { name: 'default interval outside [min, max]', yaml: `${DUCK}incremental:\n  adaptive_scheduling: {default_interval_minutes: 30}\n`, path: 'incremental.adaptive_scheduling.default_interval_minutes', line: 4, says: 'between min_interval_minutes (60)' },
  { name: 'empty file', yaml: '', path: '', line: 1, says: 'config is empty' },
  { name: 'comments only', yaml: '# nothing yet\n', path: '', line: 1, says: 'config is empty' },
  { name: 'top level is a list', yaml: '- source: {type: duckdb}\n', path: '', line: 1, says: 'top level must be a mapping' },
  { name: 'webhook without url', yaml: `${PG}hooks:\n  - {type: log}\n  - type: webhook\n    retries: 1\n`, path: 'hooks[1].url', line: 7, says: 'missing required key "url"' },
  { name: 'webhook url not http', yaml: `${DUCK}hooks:\n  - {type: webhook, url: "ftp://x"}\n`, path: 'hooks[0].url', line: 4, says: 'http(s) URL' },
  { name: 'unknown hook type', yaml: `${DUCK}hooks:\n  - type: slack\n`, path: 'hooks[0].type', line: 4, says: 'unknown hook type "slack"' },
  { name: 'bad granularity', yaml: `${DUCK}profiling:\n  tables:\n    - table: e\n      partition: {key: d, granularity: daily}\n`, path: 'profiling.tables[0].partition.granularity', line: 6, says: 'invalid value "daily" (expected one of: hour, day, week, month, year)' },
  { name: 'bad storage type', yaml: `${DUCK}storage:\n  type: mysql\n`, path: 'storage.type', line: 4, says: 'unknown storage type "mysql"' },
  { name: 'postgres url mixed with host', yaml: `source:\n  type: postgres\n  url: postgres://u:${SECRET}@h/db\n  host: h2\n`, path: 'source.host', line: 4, says: 'either "url"' },
  { name: 'bigquery table without dataset', yaml: 'source: {type: bigquery, project_id: p}\nprofiling:\n  tables: [{table: t}]\n', path: 'profiling.tables[0].table', line: 3, says: 'no dataset' },
  { name: 'interpolated number out of range', yaml: `${PG}  port: \${PGPORT}\n`, path: 'source.port', line: 5, says: 'must be <= 65535', env: { PGPORT: '99999' } },
];

function errorOf(yaml: string, env: Record<string, string> = {}): ConfigError {
  try {
    parseConfig(yaml, { file: 'baselinr.yml', baseDir: '/tmp/proj', env });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('config was accepted');
}

describe('invalid configs', () => {
  it('covers at least 22 cases', () => expect(cases.length).toBeGreaterThanOrEqual(22));

  it.each(cases)('$name', ({ yaml, path, line, says, env }) => {
    const err = errorOf(yaml, env);
    expect(err.message).not.toContain('\n');
    expect(err.message).not.toContain(SECRET);
    expect(err.issues.map((i) => i.message).join(' ')).not.toContain(SECRET);
    expect(err.path).toBe(path);
    expect(err.line).toBe(line);
    expect(err.message).toMatch(new RegExp(`^baselinr\\.yml:${line}:\\d+: `));
    if (path) expect(err.message).toContain(`: ${path}: `);
    expect(err.message).toContain(says);
    expect(err.file).toBe('baselinr.yml');
    expect(err.column).toBeGreaterThan(0);
  });

  it('formats the documented example exactly', () => {
    const err = errorOf('source: {type: duckdb}\nprofiling:\n  tables:\n    - tabel: events\n');
    expect(err.message).toBe('baselinr.yml:4:7: profiling.tables[0].tabel: unknown key "tabel" (did you mean "table"?)');
  });

  it('keeps every problem in issues[], reporting the first by line', () => {
    const yaml = `${PG}incremental:\n  enabled: yes-please\nhooks:\n  - type: nope\nextra: 1\nprofiling: {metrics: [bogus]}\n`;
    const err = errorOf(yaml);
    expect(err.issues.map((i) => [i.path, i.line])).toEqual([
      ['incremental.enabled', 6],
      ['hooks[0].type', 8],
      ['extra', 9],
      ['profiling.metrics[0]', 10],
    ]);
    expect(err.line).toBe(6);
    expect(err.describeAll().split('\n')).toHaveLength(4);
  });

  it('does not add a type error on top of a missing env var', () => {
    const err = errorOf(`${DUCK}  threads: \${THREADS}\n`);
    expect(err.issues).toHaveLength(1);
    expect(err.message).toContain('environment variable THREADS is not set');
  });

  it('never shows a secret that came from the environment', () => {
    const err = errorOf(`source:\n  type: postgres\n  password: \${PW}\n  port: x\n`, { PW: SECRET });
    expect(err.message).toContain('source.port');
    expect(err.message).not.toContain(SECRET);
  });

  it('hints at quoting ${...} inside a flow mapping', () => {
    const err = errorOf('source: {type: postgres, password: ${PW}}\n', { PW: SECRET });
    expect(err.line).toBe(1);
    expect(err.message).toContain('quote "${...}"');
  });

  it('refuses alias expansion bombs instead of hanging', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    const err = errorOf(`source: {type: duckdb}\n${levels.join('\n')}\n`);
    expect(err.message).toMatch(/^baselinr\.yml:1:1: invalid YAML: .*alias/i);
  });

  it('reports a missing file by path', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'baselinr-cfg-')), 'nope.yml');
    let caught: unknown;
    try {
      loadConfig(missing, {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(`config file not found: ${missing}`);
    expect((caught as ConfigError).file).toBe(missing);
  });
});
