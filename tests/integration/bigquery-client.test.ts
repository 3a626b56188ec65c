/**
 * The real @google-cloud/bigquery SDK against a local fake of the BigQuery v2 REST API: plan (jobs.query on
 * INFORMATION_SCHEMA), profile (jobs.insert + polled, paged getQueryResults), partial runs over changed partitions
 * only, dry-run cost estimates, and a service-account key file signing its own JWT (no token endpoint, no metadata
 * server). No live project exists here; this proves wiring, emitted SQL and parsing, not BigQuery's execution.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OAuth2Client } from 'google-auth-library';
import { computePlan } from '../../src/api/plan.js';
import { runProfile } from '../../src/api/profile.js';
import { createEventBus } from '../../src/events/index.js';
import { dataScans } from '../../src/connectors/query-log.js';
import type { SourceConnector } from '../../src/connectors/types.js';
import { createConnector } from '../../connectors/bigquery/index.js';
import { startFakeBigQuery } from '../helpers/fake-bigquery.js';
import { until, type BigQueryFixture } from '../helpers/fake-client.js';
import type { FakeRow, FakeTable } from '../helpers/fake-warehouse.js';
import { HLL_TOLERANCE, profileDiff } from '../helpers/data.js';
import { contextFor, tempDir } from '../helpers/workspace.js';
import { bigqueryCatalog } from '../helpers/fake-bigquery-data.js';

const PROJECT = 'acme-test';
const day = (i: number) => (i % 11 === 0 ? null : `2026-11-${18 + (i % 3)}`);
const eventRow = (i: number): FakeRow => ({
  id: i, amount: i % 6 === 0 ? null : `${i}.${String(i % 100).padStart(2, '0')}`, score: i % 4 === 0 ? null : i / 8,
  name: i % 5 === 0 ? null : `n${i % 17}`, event_date: day(i),
});
const events: FakeTable = {
  columns: [{ name: 'id', kind: 'integer', type: 'INT64' }, { name: 'amount', kind: 'decimal', type: 'NUMERIC' },
    { name: 'score', kind: 'float', type: 'FLOAT64' }, { name: 'name', kind: 'string', type: 'STRING' },
    { name: 'event_date', kind: 'temporal', type: 'DATE' }],
  partitionColumn: 'event_date',
  rows: Array.from({ length: 60 }, (_, i) => eventRow(i + 1)),
  partitionOf: (r) => (r.event_date == null ? '__NULL__' : String(r.event_date).replaceAll('-', '')),
};
const pageViews: FakeTable = {
  columns: [{ name: 'user_id', kind: 'string', type: 'STRING' }, { name: 'url', kind: 'string', type: 'STRING' }],
  partitionColumn: '_PARTITIONTIME',
  rows: Array.from({ length: 20 }, (_, i) => ({ user_id: `u${i % 7}`, url: `/p/${i % 4}`, _PARTITIONTIME: i < 12 ? '2026-11-20 00:00:00+00' : '2026-11-21 00:00:00+00' })),
  partitionOf: (r) => (r._PARTITIONTIME == null ? '__UNPARTITIONED__' : String(r._PARTITIONTIME).slice(0, 10).replaceAll('-', '')),
};
const tables = { events, page_views: pageViews };
const modified = new Map<string, string>();
const catalog = (sql: string): BigQueryFixture => bigqueryCatalog(sql, tables, modified);

const ws = tempDir('baselinr-bq-');
let fake: Awaited<ReturnType<typeof startFakeBigQuery>>;
let signer: KeyObject | undefined;
const yaml = (extra = '') => `source: {type: bigquery, project_id: ${PROJECT}, dataset: analytics, location: EU, api_endpoint: '${fake.url}'${extra}}
storage: {type: sqlite, path: ./state.db}
profiling:
  tables: [{table: events}, {table: page_views}]
incremental: {adaptive_scheduling: {enabled: false}}
`;

beforeAll(async () => {
  fake = await startFakeBigQuery({
    project: PROJECT, catalog, rowBytes: 100, pageSize: 2,
    tables: { '`acme-test`.`analytics`.`events`': events, '`acme-test`.`analytics`.`page_views`': pageViews },
    authorize: (h) => h === 'Bearer test-token' || (signer !== undefined && jwtSignedBy(h, signer)),
  });
});
afterAll(async () => {
  await fake.close();
  ws.cleanup();
});

async function connector(): Promise<SourceConnector> {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3_600_000 });
  return createConnector({ type: 'bigquery', projectId: PROJECT, dataset: 'analytics', location: 'EU', apiEndpoint: fake.url }, { authClient });
}

describe('BigQuery through @google-cloud/bigquery against a local fake', () => {
  it('plan is one jobs.query on INFORMATION_SCHEMA; profile scans through jobs.insert + getQueryResults', async () => {
    const source = await connector();
    const ctx = contextFor(ws.dir, yaml(), { connector: source });
    const plan = await computePlan(ctx, {});
    expect(plan.result.tables.map((t) => [t.table, t.decision, t.reason, t.estimated_rows])).toEqual([
      ['analytics.events', 'full', 'first_run', 60], ['analytics.page_views', 'full', 'first_run', 20],
    ]);
    expect(fake.requests.map((r) => `${r.method} ${r.path.split('/').slice(-1)[0]}`)).toEqual(['POST queries']);
    expect(String(fake.requests[0].body.query)).toContain('`acme-test.analytics.INFORMATION_SCHEMA.PARTITIONS`');
    expect(fake.requests[0].body).toMatchObject({ useLegacySql: false, location: 'EU' });

    const result = await runProfile(ctx, { events: createEventBus({ hooks: [], logger: ctx.logger }) });
    expect(result.tables.map((t) => [t.table, t.status, t.rows_scanned, t.partitions_profiled])).toEqual([
      ['analytics.events', 'ok', 60, 4], ['analytics.page_views', 'ok', 20, 2],
    ]);
    const inserts = fake.requests.filter((r) => r.path.endsWith('/jobs'));
    expect(inserts).toHaveLength(2);
    expect(fake.requests.filter((r) => r.method === 'GET').length).toBeGreaterThan(4); // pending polls + pages
    const p = result.tables[0].profile!;
    expect(p).toMatchObject({ row_count: 60, partitions: 4 });
    expect(p.columns.id).toMatchObject({ count: 60, min: 1, max: 60, sum: 1830 });
    expect(Math.abs(p.columns.id.distinct_count! - 60) / 60).toBeLessThanOrEqual(HLL_TOLERANCE);
    expect(p.columns.event_date).toMatchObject({ null_count: 5, min: '2026-11-18', max: '2026-11-20', distinct_count: 3 });
    expect(result.tables[1].profile!.columns.user_id).toMatchObject({ count: 20, distinct_count: 7 });
    expect(dataScans(source.client.queryLog)).toHaveLength(2);
    await ctx.close();
    await source.close();
  });

  it('changed/new/removed partitions: a partial run scans exactly them and equals a fresh full profile', async () => {
    for (const r of events.rows) if (r.event_date === '2026-11-19') r.score = 99.5;
    modified.set('events/20261119', '2026-11-22T01:00:00.000000Z');
    events.rows = events.rows.filter((r) => r.event_date !== '2026-11-18');
    events.rows.push(...[101, 102, 103].map((i) => ({ ...eventRow(i), event_date: '2026-11-21' })));
    pageViews.rows.push({ user_id: 'u99', url: '/late', _PARTITIONTIME: null });
    const source = await connector();
    const ctx = contextFor(ws.dir, yaml(), { connector: source });
    const plan = await computePlan(ctx, {});
    expect(plan.result.tables.map((t) => [t.decision, t.reason, t.changed_partitions, t.removed_partitions])).toEqual([
      ['partial', 'changed_partitions', ['20261119', '20261121'], ['20261118']],
      ['partial', 'changed_partitions', ['__UNPARTITIONED__'], []],
    ]);
    // The dry run prices exactly the changed partitions' rows (100 bytes each in the fake).
    const scoped = events.rows.filter((r) => r.event_date === '2026-11-19' || r.event_date === '2026-11-21').length;
    const [eventsTable] = await source.listTables(ctx.config.profiling.tables);
    const snapshot = plan.planned[0].gathered.snapshot!;
    const before = fake.requests.length;
    expect(await source.estimateScan!(eventsTable, snapshot, ['20261119', '20261121'])).toEqual({ bytes: scoped * 100, rows: scoped });
    expect(fake.requests.slice(before).map((r) => (r.body.configuration as { dryRun?: boolean }).dryRun)).toEqual([true]);

    const result = await runProfile(ctx, { events: createEventBus({ hooks: [], logger: ctx.logger }) });
    expect(result.tables.map((t) => [t.decision, t.rows_scanned, t.partitions_profiled])).toEqual([['partial', scoped, 2], ['partial', 1, 1]]);
    const scanSql = String((fake.requests.filter((r) => r.path.endsWith('/jobs')).at(-2)!.body.configuration as { query: { query: string } }).query.query);
    expect(scanSql).toContain("(`event_date` >= DATE '2026-11-19' AND `event_date` < DATE '2026-11-20')");
    expect(scanSql).not.toContain("DATE '2026-11-18'");
    await ctx.close();

    const fresh = tempDir('baselinr-bq-full-');
    const full = contextFor(fresh.dir, yaml(), { connector: source });
    const reference = await runProfile(full, { full: true, events: createEventBus({ hooks: [], logger: full.logger }) });
    await full.close();
    fresh.cleanup();
    for (const i of [0, 1]) {
      expect(profileDiff(result.tables[i].profile!.columns, reference.tables[i].profile!.columns)).toEqual([]);
      expect(result.tables[i].profile!.row_count).toBe(reference.tables[i].profile!.row_count);
    }
    await source.close();
  });

  // The key file declares a non-default universe_domain, which makes google-auth-library sign each request itself
  // (self-signed JWT) instead of exchanging an assertion at oauth2.googleapis.com, which cannot be reached here.
  // What this proves: key_file → registry → SDK loads the key and its signature reaches the API.
  it('key_file: the service account key signs the requests; config → registry → SDK, plan and profile', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    signer = publicKey;
    writeFileSync(join(ws.dir, 'sa.json'), JSON.stringify({
      type: 'service_account', project_id: PROJECT, private_key_id: 'k1', client_id: '1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: 'profiler@acme-test.iam.gserviceaccount.com', token_uri: `${fake.url}/token`,
      universe_domain: 'baselinr.test',
    }));
    const ctx = contextFor(ws.dir, yaml(', key_file: sa.json'));
    const before = fake.requests.length;
    const plan = await computePlan(ctx, {});
    expect(plan.result.tables.map((t) => [t.decision, t.reason])).toEqual([['skip', 'snapshot_match'], ['skip', 'snapshot_match']]);
    expect(fake.requests.slice(before).map((r) => r.path)).toEqual([`/bigquery/v2/projects/${PROJECT}/queries`]);
    const forced = await runProfile(ctx, { full: true, events: createEventBus({ hooks: [], logger: ctx.logger }) });
    await ctx.close();
    expect(forced.tables.map((t) => [t.status, t.reason, t.rows_scanned])).toEqual([['ok', 'forced', events.rows.length], ['ok', 'forced', pageViews.rows.length]]);
  });
});

describe('BigQuery interruption', () => {
  it('an interrupted scan cancels its job (jobs.cancel) and rejects at once', async () => {
    const slow = await startFakeBigQuery({
      project: PROJECT, catalog, rowBytes: 100, tables: { '`acme-test`.`analytics`.`events`': events },
      authorize: (h) => h === 'Bearer test-token', hold: () => true,
    });
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3_600_000 });
    const source = await createConnector({ type: 'bigquery', projectId: PROJECT, dataset: 'analytics', apiEndpoint: slow.url }, { authClient });
    try {
      const ac = new AbortController();
      const sql = 'WITH src AS (\n  SELECT \'\' AS __p FROM `acme-test`.`analytics`.`events`\n),\nbase AS (SELECT 1)';
      const running = source.client.query(sql, { kind: 'data', signal: ac.signal });
      await until(() => slow.requests.some((r) => r.method === 'GET'));
      ac.abort(new Error('interrupted'));
      await expect(running).rejects.toThrow('interrupted');
      await until(() => slow.requests.some((r) => r.path.endsWith('/cancel')));
    } finally {
      await source.close();
      await slow.close();
    }
  });
});

function jwtSignedBy(header: string | undefined, key: KeyObject): boolean {
  const token = header?.replace(/^Bearer /, '') ?? '';
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) return false;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { iss?: string };
  return claims.iss === 'profiler@acme-test.iam.gserviceaccount.com' && verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
}
