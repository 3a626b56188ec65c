/**
 * Golden SQL for every statement the Snowflake connector emits, each also parsed by node-sql-parser's snowflake
 * grammar (after the documented rewrites of constructs that parser lacks; see tests/helpers/fake-sql-check.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TableConfig } from '../../src/config/index.js';
import type { SourceTable, TableSnapshot } from '../../src/connectors/types.js';
import { planScan, type ScanScope } from '../../src/profiler/executor.js';
import { ALL_METRICS, type MetricName } from '../../src/profiler/state-types.js';
import { SnowflakeConnector } from '../../connectors/snowflake/index.js';
import { LIST_TABLES_SQL } from '../../connectors/snowflake/catalog.js';
import { FakeClient, snowflakeRows, type SnowflakeWire } from '../helpers/fake-client.js';
import { golden, parseCheck } from '../helpers/fake-sql-check.js';
import { prng } from '../helpers/data.js';
import { snowflakeHllRegisters } from '../../connectors/snowflake/hll-sql.js';
import { bucketAndRank, registersFromPacked } from '../../src/profiler/hll.js';

const catalog = JSON.parse(readFileSync(new URL('../fixtures/snowflake/catalog-v1.json', import.meta.url), 'utf8')) as SnowflakeWire;
const explain = { rowtype: [{ name: 'content', type: 'text' }], rowset: [[JSON.stringify({
  GlobalStats: { partitionsTotal: 40, partitionsAssigned: 10, bytesAssigned: 1310720 },
  Operations: [[{ id: 0, operation: 'Result' }, { id: 1, parentOperators: [0], operation: 'TableScan', objects: ['ANALYTICS.PUBLIC.EVENTS'] }]],
})]] } satisfies SnowflakeWire;

function table(name: string, extra: Partial<TableConfig> = {}): SourceTable {
  return { name: `PUBLIC.${name}`, config: { name: `PUBLIC.${name}`, kind: 'table', schema: 'PUBLIC', table: name, contract: { kind: 'snapshot' }, ...extra } };
}

const events = table('events');
const hostile = table('Odd "Table"');
const buckets = table('events', { name: 'PUBLIC.events_buckets', partition: { key: 'CREATED_AT', granularity: 'day', lookback: 1 }, contract: { kind: 'event_stream' } });
const zonedBuckets = table('events', { name: 'PUBLIC.events_tz', partition: { key: 'UPDATED_AT', granularity: 'hour', lookback: 1 }, contract: { kind: 'event_stream' } });
const records = table('events', { name: 'PUBLIC.events_current', contract: { kind: 'record_set', primaryKey: ['ID'], ordering: 'UPDATED_AT' } });
const all = [events, hostile, buckets, zonedBuckets, records];

async function setup() {
  const client = new FakeClient((sql) => (sql.startsWith('EXPLAIN') ? snowflakeRows(explain) : snowflakeRows(catalog)));
  const connector = new SnowflakeConnector(client, { schema: 'PUBLIC' });
  const snaps = await connector.snapshotAll(all);
  const snap = (t: SourceTable) => snaps.get(t.name) as TableSnapshot;
  const scan = (t: SourceTable, scope: ScanScope, metrics: readonly MetricName[] = ALL_METRICS) => planScan(connector, t, snap(t), scope, metrics).sql;
  return { client, connector, snap, scan };
}

function check(name: string, sql: string, rewrites: string[] = []) {
  expect(sql).toBe(golden('snowflake', name, sql));
  expect(parseCheck(sql, 'snowflake').sort()).toEqual([...rewrites].sort());
}

const HLL_REWRITES = ['WITHIN GROUP (ORDER BY …) of LISTAGG/ARRAY_AGG', 'IS NOT DISTINCT FROM → ='];

describe('Snowflake SQL', () => {
  it('catalog: one query per schema for all its tables, both spellings of each name', async () => {
    const { client } = await setup();
    expect(client.queryLog).toHaveLength(1);
    expect(client.queryLog[0].kind).toBe('metadata');
    check('catalog', client.queryLog[0].sql);
  });

  it('table listing', () => check('list-tables', LIST_TABLES_SQL));

  it('one-scan profile with every column kind, HLL on', async () => {
    const { scan } = await setup();
    check('scan-full', scan(events, {}), HLL_REWRITES);
  });

  it('one-scan profile without distinct metrics has no HLL part', async () => {
    const { scan } = await setup();
    const sql = scan(events, {}, ['count', 'null_count', 'min', 'max']);
    expect(sql).not.toContain('HASH(');
    check('scan-no-hll', sql);
  });

  it('hostile identifiers are quoted exactly as the catalog spells them', async () => {
    const { scan, snap } = await setup();
    expect(snap(hostile).columns.map((c) => c.name)).toContain('we"ird col');
    const sql = scan(hostile, {});
    expect(sql).toContain('FROM "PUBLIC"."Odd ""Table"""');
    expect(sql).toContain('"we""ird col" AS "c1"');
    expect(sql).toContain('"it\'s\\here" AS "c3"');
    check('scan-hostile', sql, ['"" inside a quoted identifier → _', ...HLL_REWRITES]);
  });

  it('partial scan of watermark buckets filters on the bucket text and the NULL bucket', async () => {
    const { scan } = await setup();
    const sql = scan(buckets, { partitions: ['CREATED_AT=2026-11-20T00:00:00', 'CREATED_AT=__NULL__'] });
    check('scan-buckets-partial', sql, HLL_REWRITES);
  });

  it('watermark scan: zoned keys are bucketed by their UTC instant', async () => {
    const { scan } = await setup();
    check('scan-watermark', scan(buckets, { watermarkFrom: '2026-11-19T00:00:00' }), HLL_REWRITES);
    const tz = scan(zonedBuckets, { watermarkFrom: '2026-11-19T05:00:00' });
    expect(tz).toContain(`DATE_TRUNC('hour', CONVERT_TIMEZONE('UTC', "UPDATED_AT"))`);
    check('scan-watermark-tz', tz, HLL_REWRITES);
  });

  it('sampling: BERNOULLI with a seed on a table, without one on a derived relation', async () => {
    const { scan } = await setup();
    const sampled = scan(events, { sampleFraction: 0.05 });
    expect(sampled).toContain('TABLESAMPLE BERNOULLI (5) REPEATABLE (42)');
    check('scan-sample', sampled, HLL_REWRITES);
    const dedupedSample = scan(records, { sampleFraction: 0.05 });
    expect(dedupedSample).toContain('QUALIFY ROW_NUMBER() OVER (PARTITION BY "ID" ORDER BY "UPDATED_AT" DESC NULLS LAST) = 1');
    expect(dedupedSample).not.toContain('REPEATABLE');
    check('scan-record-set-sample', dedupedSample, [...HLL_REWRITES, 'TABLESAMPLE after a derived table']);
  });

  it('cost estimate: EXPLAIN USING JSON of the scope, parsed from GlobalStats', async () => {
    const { client, connector, snap } = await setup();
    const est = await connector.estimateScan(events, snap(events));
    const sql = client.queryLog.at(-1)!;
    expect(sql.kind).toBe('metadata');
    check('explain', sql.sql, ['EXPLAIN USING JSON prefix']);
    // 1310720 bytes assigned; rows scaled from ROW_COUNT 1000 by 10 of 40 micro-partitions.
    expect(est).toEqual({ bytes: 1310720, rows: 250 });
  });
});

describe('Snowflake dialect', () => {
  it('quotes identifiers and literals (backslash is an escape in Snowflake strings)', async () => {
    const { connector } = await setup();
    const d = connector.dialect;
    expect(d.quoteIdent('a"b')).toBe('"a""b"');
    expect(d.literal("it's a \\ path")).toBe("'it''s a \\\\ path'");
    expect(() => d.literal('a\0b')).toThrow(/NUL/);
    expect(d.timestampLiteral('2026-11-20T05:00:00')).toBe("CAST('2026-11-20 05:00:00' AS TIMESTAMP_NTZ)");
    expect(d.sample('"S"."T"', 0.123, 7)).toBe('(SELECT * FROM "S"."T" TABLESAMPLE BERNOULLI (12.3) REPEATABLE (7)) AS __sample');
  });

  it('maps catalog types to column kinds', async () => {
    const { connector } = await setup();
    const k = (t: string) => connector.dialect.columnKind(t);
    expect([k('NUMBER(38,0)'), k('NUMBER(12,2)'), k('NUMBER'), k('FLOAT'), k('TEXT'), k('VARCHAR(10)')])
      .toEqual(['integer', 'decimal', 'integer', 'float', 'string', 'string']);
    expect([k('DATE'), k('TIME'), k('TIMESTAMP_NTZ'), k('TIMESTAMP_TZ'), k('BOOLEAN'), k('VARIANT'), k('BINARY')])
      .toEqual(['temporal', 'temporal', 'temporal', 'temporal', 'boolean', 'other', 'other']);
  });
});

describe('Snowflake HLL arithmetic', () => {
  // The emitted expression, re-evaluated with BigInt under both readings of BITSHIFTRIGHT on a negative hash
  // (sign-extending or not) and with LOG in doubles, must give the bucket/rank the JS reference gives.
  const sql = snowflakeHllRegisters('src', ['h0'], true);
  const n = (re: RegExp) => BigInt(re.exec(sql)![1]);
  const bucketMask = n(/BITAND\(__h, (\d+)\)/);
  const shift = n(/BITSHIFTRIGHT\(__h, (\d+)\)/);
  const wMask = n(/BITAND\(BITSHIFTRIGHT\(__h, \d+\), (\d+)\)/);
  const sentinel = n(/BITOR\(BITAND\(BITSHIFTRIGHT\(__h, \d+\), \d+\), (\d+)\)/);
  const digits = '0123456789abcdef';

  function emulate(h: bigint, signExtend: boolean): string {
    const b = h & bucketMask;
    const shifted = signExtend ? h >> shift : BigInt.asUintN(64, h) >> shift;
    const w = (shifted & wMask) | sentinel;
    const r = BigInt(Math.round(Math.log2(Number((w ^ (w - 1n)) + 1n))));
    const t = b * 256n + r;
    return [16n, 12n, 8n, 4n, 0n].map((k) => digits[Number((t >> k) & 15n)]).join('');
  }

  it('matches bucketAndRank for edge and random signed 64-bit hashes', () => {
    const rnd = prng(7);
    const edge = [0n, -1n, 1n, -(2n ** 63n), 2n ** 63n - 1n, 4096n, -4096n, 2n ** 12n * 2n ** 51n, 123456789n];
    const random = Array.from({ length: 5000 }, () => BigInt.asIntN(64, BigInt(Math.floor(rnd() * 2 ** 32)) << 32n | BigInt(Math.floor(rnd() * 2 ** 32))));
    for (const h of [...edge, ...random]) {
      const [bucket, rank] = bucketAndRank(h);
      const expected = bucket.toString(16).padStart(3, '0') + rank.toString(16).padStart(2, '0');
      expect(emulate(h, true)).toBe(expected);
      expect(emulate(h, false)).toBe(expected);
      expect(registersFromPacked(expected)[bucket]).toBe(rank);
    }
  });
});
