/**
 * The real snowflake-sdk against a local fake speaking Snowflake's REST endpoints: config → registry → client →
 * login (password and key-pair) → catalog query → plan → one-scan profile parsed into metric states. No live
 * account exists here; what this proves is the wiring, the SQL the SDK sends and the parsing of its answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computePlan } from '../../src/api/plan.js';
import { runProfile } from '../../src/api/profile.js';
import { createEventBus } from '../../src/events/index.js';
import { dataScans } from '../../src/connectors/query-log.js';
import type { SnowflakeConnector } from '../../connectors/snowflake/index.js';
import { until, type SnowflakeWire } from '../helpers/fake-client.js';
import { startFakeSnowflake } from '../helpers/fake-snowflake.js';
import type { FakeRow, FakeTable } from '../helpers/fake-warehouse.js';
import { HLL_TOLERANCE, numericExpect, prng, stringExpect } from '../helpers/data.js';
import { contextFor, tempDir } from '../helpers/workspace.js';

const PASSWORD = 'pw-Secret-123';
const rnd = prng(5);
const row = (i: number): FakeRow => ({
  ID: i,
  AMOUNT: i % 7 === 0 ? null : `${(i * 3.25).toFixed(2)}`,
  SCORE: i % 5 === 0 ? null : Math.round(rnd() * 1e6) / 100,
  NAME: i % 9 === 0 ? null : ['ant', 'Bee', 'çat', 'dög', 'ému'][i % 5] + String(i % 13),
  CREATED_AT: `2026-11-${String(10 + (i % 10)).padStart(2, '0')}T0${i % 10}:00:00.000000`,
  IS_VALID: i % 2 === 0,
  'we"ird col': i % 4 === 0 ? null : `v${i % 3}`,
});
const events: FakeTable = {
  columns: [
    { name: 'ID', kind: 'integer' }, { name: 'AMOUNT', kind: 'decimal' }, { name: 'SCORE', kind: 'float' },
    { name: 'NAME', kind: 'string' }, { name: 'CREATED_AT', kind: 'temporal' }, { name: 'IS_VALID', kind: 'boolean' },
    { name: 'we"ird col', kind: 'string' },
  ],
  rows: Array.from({ length: 40 }, (_, i) => row(i + 1)),
  partitionOf: () => '',
};
const types = ['NUMBER', 'NUMBER', 'FLOAT', 'TEXT', 'TIMESTAMP_NTZ', 'BOOLEAN', 'TEXT'];
let lastAltered = '2026-11-20T08:00:00.000000000Z';

/** The catalog as Snowflake would report it right now for the fake's table. */
function catalog(): SnowflakeWire {
  const rowtype = ['TABLE_SCHEMA', 'TABLE_NAME', 'TABLE_TYPE', 'ROW_COUNT', 'BYTES', 'LAST_ALTERED', 'COLUMN_NAME',
    'DATA_TYPE', 'NUMERIC_PRECISION', 'NUMERIC_SCALE', 'ORDINAL_POSITION']
    .map((name) => ({ name, type: /COUNT|BYTES|NUMERIC|ORDINAL/.test(name) ? 'fixed' : 'text', scale: 0 }));
  const rowset = events.columns.map((c, i) => ['PUBLIC', 'EVENTS', 'BASE TABLE', String(events.rows.length),
    String(events.rows.length * 64), lastAltered, c.name, types[i], types[i] === 'NUMBER' ? '38' : null,
    types[i] === 'NUMBER' ? (c.name === 'AMOUNT' ? '2' : '0') : null, String(i + 1)]);
  return { rowtype, rowset };
}

const ws = tempDir('baselinr-sf-');
let fake: Awaited<ReturnType<typeof startFakeSnowflake>>;
const yaml = (extra: string) => `source:
  type: snowflake
  account: acme-test
  user: PROFILER
  database: ANALYTICS
  schema: PUBLIC
  warehouse: WH
  role: PROFILER
  access_url: ${fake.url}
${extra}
storage: {type: sqlite, path: ./state.db}
profiling:
  tables:
    - table: events
incremental:
  adaptive_scheduling: {enabled: false}
`;

beforeAll(async () => {
  fake = await startFakeSnowflake({
    account: 'acme-test', user: 'PROFILER', password: PASSWORD, catalog, tables: { '"PUBLIC"."EVENTS"': events },
    explain: () => ({ GlobalStats: { partitionsTotal: 8, partitionsAssigned: 8, bytesAssigned: 2560 }, Operations: [] }),
  });
});
afterAll(async () => {
  await fake.close();
  ws.cleanup();
});

describe('Snowflake through snowflake-sdk against a local fake', () => {
  it('plan reads the catalog only; profile runs the one-scan query and parses every metric', async () => {
    const ctx = contextFor(ws.dir, yaml(`  password: ${PASSWORD}`));
    try {
      const plan = await computePlan(ctx, {});
      expect(plan.result.tables.map((t) => [t.table, t.decision, t.reason, t.estimated_rows])).toEqual([['PUBLIC.events', 'full', 'first_run', 40]]);
      const connector = (await ctx.source()) as SnowflakeConnector;
      expect(connector.client.queryLog.map((q) => q.kind)).toEqual(['metadata']);
      expect(fake.logins.at(-1)).toMatchObject({ LOGIN_NAME: 'PROFILER', PASSWORD, ACCOUNT_NAME: 'acme-test' });
      expect(fake.queries.at(-1)?.sql).toMatch(/^SELECT t\.TABLE_SCHEMA/);
      expect(fake.queries.at(-1)?.parameters).toEqual({ TIMEZONE: 'UTC', WEEK_START: 1 });

      const result = await runProfile(ctx, { events: createEventBus({ hooks: [], logger: ctx.logger }) });
      const entry = result.tables[0];
      expect(entry).toMatchObject({ status: 'ok', decision: 'full', rows_scanned: 40 });
      const scanSql = fake.queries.at(-1)!.sql;
      expect(scanSql).toContain('FROM "PUBLIC"."EVENTS"');
      expect(scanSql).toContain('"we""ird col" AS "c6"');
      expect(dataScans(connector.client.queryLog)).toHaveLength(1);

      const p = entry.profile!;
      expect(p.row_count).toBe(40);
      const ids = numericExpect(events.rows.map((r) => r.ID as number));
      expect(p.columns.ID).toMatchObject({ type: 'NUMBER(38,0)', count: 40, min: 1, max: 40, sum: 820 });
      expect(p.columns.ID.stddev).toBeCloseTo(ids.stddev!, 9);
      expect(Math.abs(p.columns.ID.distinct_count! - 40) / 40).toBeLessThanOrEqual(HLL_TOLERANCE);
      const amounts = events.rows.map((r) => r.AMOUNT).filter((a): a is string => a !== null);
      // Decimal sums travel as exact text (TO_VARCHAR) and are summed exactly; 2323.75 is exact in a double too.
      const cents = amounts.reduce((s, a) => s + Math.round(Number(a) * 100), 0);
      expect(p.columns.AMOUNT).toMatchObject({ count: amounts.length, min: 3.25, max: 130, sum: cents / 100 });
      const scores = numericExpect(events.rows.map((r) => r.SCORE as number | null));
      expect(p.columns.SCORE).toMatchObject({ count: scores.count, null_count: scores.nulls, min: scores.min, max: scores.max });
      expect(p.columns.SCORE.mean).toBeCloseTo(scores.mean!, 9);
      const names = stringExpect(events.rows.map((r) => r.NAME as string | null));
      expect(p.columns.NAME).toMatchObject({ count: names.count, min: names.min, max: names.max, min_length: names.min_length, max_length: names.max_length });
      expect(p.columns.CREATED_AT).toMatchObject({ min: '2026-11-10T00:00:00.000000', max: '2026-11-19T09:00:00.000000' });
      expect(p.columns['we"ird col']).toMatchObject({ count: 30, null_count: 10, distinct_count: 3 });
    } finally {
      await ctx.close();
    }
  });

  it('unchanged catalog → skip with zero data scans; moved LAST_ALTERED/ROW_COUNT → full snapshot_changed', async () => {
    const ctx = contextFor(ws.dir, yaml(`  password: ${PASSWORD}`), { readOnly: true });
    try {
      const again = await computePlan(ctx, {});
      expect(again.result.tables[0]).toMatchObject({ decision: 'skip', reason: 'snapshot_match' });
      events.rows.push(row(41), row(42));
      lastAltered = '2026-11-21T08:00:00.000000000Z';
      const changed = await computePlan(ctx, {});
      expect(changed.result.tables[0]).toMatchObject({ decision: 'full', reason: 'snapshot_changed', estimated_rows: 42 });
      const connector = (await ctx.source()) as SnowflakeConnector;
      expect(dataScans(connector.client.queryLog)).toEqual([]);
      // The cost estimate is an EXPLAIN: compiled, not run, so still no data scan.
      const table = (await connector.listTables(ctx.config.profiling.tables))[0];
      const snapshot = await connector.snapshot(table);
      expect(await connector.estimateScan(table, snapshot)).toEqual({ bytes: 2560, rows: 42 });
      expect(fake.queries.at(-1)?.sql).toBe('EXPLAIN USING JSON SELECT * FROM "PUBLIC"."EVENTS"');
      expect(dataScans(connector.client.queryLog)).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('key-pair auth: an encrypted PEM key signs the login JWT the fake verifies', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = join(ws.dir, 'rsa_key.p8');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'phrase-9' }));
    const keyFake = await startFakeSnowflake({ account: 'acme-test', user: 'PROFILER', publicKey, catalog, tables: {} });
    try {
      const cfg = (pass: string) => yaml(`  private_key_path: rsa_key.p8\n  private_key_passphrase: ${pass}`).replace(fake.url, keyFake.url);
      const ctx = contextFor(ws.dir, cfg('phrase-9'), { readOnly: true });
      const plan = await computePlan(ctx, {});
      await ctx.close();
      expect(plan.result.tables[0]).toMatchObject({ decision: 'full', reason: 'snapshot_changed' });
      expect(keyFake.logins[0]).toMatchObject({ AUTHENTICATOR: 'SNOWFLAKE_JWT' });
      expect(keyFake.logins[0].PASSWORD).toBeUndefined();
      const bad = contextFor(ws.dir, cfg('wrong-phrase'), { readOnly: true });
      const err = await computePlan(bad, {}).then(() => null, (e: Error) => e);
      await bad.close();
      expect(err?.message).toMatch(/cannot load the Snowflake private key .*rsa_key\.p8/);
      expect(err?.message).not.toContain('wrong-phrase');
    } finally {
      await keyFake.close();
    }
  });

  it('a rejected login fails without echoing the password', async () => {
    const ctx = contextFor(ws.dir, yaml('  password: not-the-password'), { readOnly: true });
    const err = await computePlan(ctx, {}).then(() => null, (e: Error) => e);
    await ctx.close();
    expect(err?.message).toMatch(/Incorrect username or password/);
    expect(err?.message).not.toContain('not-the-password');
  });

  it('an interrupted scan is cancelled server-side (abort-request) and rejects at once', async () => {
    const slow = await startFakeSnowflake({
      account: 'acme-test', user: 'PROFILER', password: PASSWORD, catalog, tables: {}, hold: (sql) => sql.startsWith('WITH src AS'),
    });
    const ctx = contextFor(ws.dir, yaml(`  password: ${PASSWORD}`).replace(fake.url, slow.url), { readOnly: true });
    try {
      const { client } = await ctx.source();
      const ac = new AbortController();
      const running = client.query('WITH src AS (SELECT 1)', { kind: 'data', signal: ac.signal });
      await until(() => slow.queries.length === 1);
      ac.abort(new Error('interrupted'));
      await expect(running).rejects.toThrow('interrupted');
      await until(() => slow.paths.some((p) => p.endsWith('/abort-request')));
    } finally {
      await ctx.close();
      await slow.close();
    }
  });
});
