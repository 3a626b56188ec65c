/**
 * Golden SQL for every statement the BigQuery connector emits, each also parsed by node-sql-parser's bigquery
 * grammar (after the documented rewrites of constructs that parser lacks; see tests/helpers/fake-sql-check.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TableConfig } from '../../src/config/index.js';
import type { SourceTable, TableSnapshot } from '../../src/connectors/types.js';
import { planScan, type ScanScope } from '../../src/profiler/executor.js';
import { ALL_METRICS, type MetricName } from '../../src/profiler/state-types.js';
import { bucketAndRank } from '../../src/profiler/hll.js';
import { BigQueryConnector } from '../../connectors/bigquery/index.js';
import { listTablesSql } from '../../connectors/bigquery/catalog.js';
import { bigqueryHllRegisters } from '../../connectors/bigquery/dialect.js';
import { FakeClient, bigqueryRows, type BigQueryFixture } from '../helpers/fake-client.js';
import { golden, parseCheck } from '../helpers/fake-sql-check.js';
import { prng } from '../helpers/data.js';

const catalog = JSON.parse(readFileSync(new URL('../fixtures/bigquery/catalog-v1.json', import.meta.url), 'utf8')) as BigQueryFixture;
const source = { projectId: 'acme-prod', dataset: 'analytics', location: 'EU' };

function table(name: string, extra: Partial<TableConfig> = {}): SourceTable {
  const config: TableConfig = { name: `analytics.${name}`, kind: 'table', schema: 'analytics', table: name, contract: { kind: 'snapshot' }, ...extra };
  return { name: config.name, config };
}

const events = table('events');
const pageViews = table('page_views');
const hourly = table('hourly');
const customers = table('customers');
const ranges = table('ranges');
const hostile = table('weird-name ü');
const watermark = table('customers', { name: 'analytics.customers_stream', partition: { key: 'signup', granularity: 'day', lookback: 1 }, contract: { kind: 'event_stream' } });
const current = table('customers', { name: 'analytics.customers_current', contract: { kind: 'record_set', primaryKey: ['id'], ordering: 'signup' } });
const all = [events, pageViews, hourly, customers, ranges, hostile, watermark, current];

async function setup() {
  const client = new FakeClient(() => bigqueryRows(catalog), () => 123_456);
  const connector = new BigQueryConnector(client, source);
  const snaps = await connector.snapshotAll(all);
  const snap = (t: SourceTable) => snaps.get(t.name) as TableSnapshot;
  const scan = (t: SourceTable, scope: ScanScope, metrics: readonly MetricName[] = ALL_METRICS) => planScan(connector, t, snap(t), scope, metrics).sql;
  return { client, connector, snap, scan };
}

const HLL = ['ORDER BY inside STRING_AGG/ARRAY_AGG', 'bitwise operators >> & | ^ → +'];
const HLL_BIG = [...HLL, 'BIGNUMERIC → NUMERIC'];

function check(name: string, sql: string, rewrites: string[] = []) {
  expect(sql).toBe(golden('bigquery', name, sql));
  expect(parseCheck(sql, 'bigquery').sort()).toEqual([...rewrites].sort());
}

describe('BigQuery SQL', () => {
  it('catalog: one query per dataset, one row per table', async () => {
    const { client } = await setup();
    expect(client.queryLog.map((q) => q.kind)).toEqual(['metadata']);
    check('catalog', client.queryLog[0].sql, ['ORDER BY inside STRING_AGG/ARRAY_AGG']);
  });

  it('table listing, per dataset or per region', () => {
    check('list-tables', listTablesSql('acme-prod', 'analytics'));
    check('list-tables-region', listTablesSql('acme-prod', 'region-eu'));
  });

  it('full scan of a DAY-partitioned table groups rows by their partition id', async () => {
    const { scan } = await setup();
    const sql = scan(events, {});
    expect(sql).toContain("WHEN `event_date` IS NULL THEN '__NULL__'");
    check('scan-column-full', sql, HLL_BIG);
  });

  it('partial scan: partition ids become pruning ranges on the partitioning column', async () => {
    const { scan } = await setup();
    const sql = scan(events, { partitions: ['20261119', '20261121', '__NULL__', '__UNPARTITIONED__'] });
    expect(sql).toContain("(`event_date` >= DATE '2026-11-19' AND `event_date` < DATE '2026-11-20')");
    check('scan-column-partial', sql, HLL_BIG);
    const hourlySql = scan(hourly, { partitions: ['2026112011'] });
    expect(hourlySql).toContain("(`ts` >= TIMESTAMP '2026-11-20 11:00:00+00' AND `ts` < TIMESTAMP '2026-11-20 12:00:00+00')");
    check('scan-hour-partial', hourlySql, HLL_BIG);
  });

  it('ingestion-time table: filters on _PARTITIONTIME, __UNPARTITIONED__ is the streaming buffer (NULL)', async () => {
    const { scan, snap } = await setup();
    expect(snap(pageViews).columns.map((c) => c.name)).toEqual(['user_id', 'url']);
    const sql = scan(pageViews, { partitions: ['20261121', '__UNPARTITIONED__'] });
    expect(sql).toContain('_PARTITIONTIME AS `__baselinr_partitiontime`');
    expect(sql).toContain('OR _PARTITIONTIME IS NULL');
    check('scan-ingestion-partial', sql, HLL);
  });

  it('unpartitioned and integer-range tables are scanned whole', async () => {
    const { scan } = await setup();
    check('scan-unpartitioned-no-hll', scan(customers, {}, ['count', 'null_count', 'min', 'max', 'mean']), ['BIGNUMERIC → NUMERIC']);
    expect(scan(ranges, {})).toContain('FROM `acme-prod`.`analytics`.`ranges`\n');
  });

  it('hostile identifiers are escaped inside backticks', async () => {
    const { scan } = await setup();
    const sql = scan(hostile, {});
    expect(sql).toContain('FROM `acme-prod`.`analytics`.`weird-name ü`');
    expect(sql).toContain("`it's` AS `c2`");
    check('scan-hostile', sql, HLL_BIG);
  });

  it('watermark scan compares the key with a literal BigQuery coerces to its type', async () => {
    const { scan } = await setup();
    const sql = scan(watermark, { watermarkFrom: '2026-11-19T00:00:00' });
    expect(sql).toContain("WHERE `signup` >= '2026-11-19'");
    check('scan-watermark', sql, HLL_BIG);
  });

  it('sampling: TABLESAMPLE SYSTEM on a table, RAND() on a derived relation', async () => {
    const { scan } = await setup();
    const onTable = scan(customers, { sampleFraction: 0.05 });
    expect(onTable).toContain('TABLESAMPLE SYSTEM (5 PERCENT)');
    check('scan-sample', onTable, [...HLL_BIG, 'TABLESAMPLE SYSTEM (p PERCENT)']);
    const onScope = scan(events, { partitions: ['20261120'], sampleFraction: 0.05 });
    expect(onScope).toContain('WHERE RAND() < 0.05) AS __sample');
    check('scan-sample-partial', onScope, HLL_BIG);
  });

  it('record sets are deduplicated with QUALIFY next to a WHERE', async () => {
    const { scan } = await setup();
    const sql = scan(current, {});
    expect(sql).toContain('WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY `id` ORDER BY `signup` DESC NULLS LAST) = 1');
    check('scan-record-set', sql, [...HLL_BIG, 'NULLS LAST in a window ORDER BY']);
  });

  it('cost estimate: a dry run of the exact scope', async () => {
    const { client, connector, snap } = await setup();
    const est = await connector.estimateScan(events, snap(events), ['20261119', '__NULL__']);
    expect(est).toEqual({ bytes: 123_456, rows: 14 });
    expect(client.dryRuns).toHaveLength(1);
    check('dry-run', client.dryRuns[0], ['BIGNUMERIC → NUMERIC']);
  });
});

describe('BigQuery dialect', () => {
  it('escapes literals and identifiers with backslashes', async () => {
    const { connector } = await setup();
    const d = connector.dialect;
    expect(d.quoteIdent('a`b\\c')).toBe('`a\\`b\\\\c`');
    expect(d.literal("it's\nnew\u0001")).toBe("'it\\'s\\nnew\\x01'");
    expect(d.timestampLiteral('2026-11-20T05:00:00')).toBe("'2026-11-20 05:00:00'");
    expect(d.timestampLiteral('2026-11-20T00:00:00')).toBe("'2026-11-20'");
  });

  it('maps catalog types to column kinds', async () => {
    const { connector } = await setup();
    const k = (t: string) => connector.dialect.columnKind(t);
    expect(['INT64', 'NUMERIC(12, 2)', 'BIGNUMERIC', 'FLOAT64', 'STRING', 'STRING(10)', 'DATE', 'DATETIME', 'TIME', 'TIMESTAMP', 'BOOL', 'ARRAY<STRING>', 'STRUCT<a INT64>', 'BYTES'].map(k))
      .toEqual(['integer', 'decimal', 'decimal', 'float', 'string', 'string', 'temporal', 'temporal', 'temporal', 'temporal', 'boolean', 'other', 'other', 'other']);
  });
});

describe('BigQuery HLL arithmetic', () => {
  // The emitted expression re-evaluated with BigInt, for a `>>` that sign-extends and one that does not.
  const sql = bigqueryHllRegisters('src', ['h0'], true);
  const n = (re: RegExp) => BigInt(re.exec(sql)![1]);
  const bucketMask = n(/__u\.h & (\d+) AS __b/);
  const shift = n(/\(__u\.h >> (\d+)\)/);
  const wMask = n(/\(\(__u\.h >> \d+\) & (\d+)\)/);
  const sentinel = n(/\) \| (\d+) AS __w/);
  const popcount = (x: bigint) => x.toString(2).split('').filter((c) => c === '1').length;

  it('matches bucketAndRank for edge and random signed INT64 fingerprints', () => {
    const rnd = prng(11);
    const edge = [0n, -1n, 1n, -(2n ** 63n), 2n ** 63n - 1n, 4096n, -4096n, 2n ** 63n - 4096n];
    const random = Array.from({ length: 5000 }, () => BigInt.asIntN(64, (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32))));
    for (const h of [...edge, ...random]) {
      for (const signExtend of [true, false]) {
        const w = ((signExtend ? h >> shift : BigInt.asUintN(64, h) >> shift) & wMask) | sentinel;
        const token = ((h & bucketMask) * 256n + BigInt(popcount(w ^ (w - 1n)))).toString(16).padStart(5, '0');
        const [bucket, rank] = bucketAndRank(h);
        expect(token).toBe(bucket.toString(16).padStart(3, '0') + rank.toString(16).padStart(2, '0'));
      }
    }
  });
});
