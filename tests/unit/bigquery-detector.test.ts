/**
 * The BigQuery detector on recorded INFORMATION_SCHEMA responses (PARTITIONS + COLUMNS, vendor column names), fed
 * through the real planner: unchanged, changed, new and removed partitions, streaming buffer, schema change.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TableConfig } from '../../src/config/index.js';
import type { SourceTable, TableSnapshot } from '../../src/connectors/types.js';
import { BigQueryConnector } from '../../connectors/bigquery/index.js';
import { detectLayout, idRange } from '../../connectors/bigquery/partitions.js';
import { FakeClient, bigqueryRows, decide, type BigQueryFixture } from '../helpers/fake-client.js';

const load = (v: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/bigquery/catalog-${v}.json`, import.meta.url), 'utf8')) as BigQueryFixture;
const fixtures = { v1: load('v1'), v2: load('v2') };

function table(name: string, dataset = 'analytics'): SourceTable {
  const config: TableConfig = { name: `${dataset}.${name}`, kind: 'table', schema: dataset, table: name, contract: { kind: 'snapshot' } };
  return { name: config.name, config };
}

const [events, pageViews, customers, ranges, hostile, view, missing] =
  ['events', 'page_views', 'customers', 'ranges', 'weird-name ü', 'events_v', 'missing'].map((n) => table(n));
const all = [events, pageViews, customers, ranges, hostile, view, missing];

async function snapshots(version: keyof typeof fixtures) {
  const client = new FakeClient(() => bigqueryRows(fixtures[version]));
  const map = await new BigQueryConnector(client, { projectId: 'acme-prod', dataset: 'analytics' }).snapshotAll(all);
  return { client, get: (t: SourceTable) => map.get(t.name) as TableSnapshot };
}

describe('BigQuery detector', () => {
  it('one metadata query per dataset for all its tables', async () => {
    const { client } = await snapshots('v1');
    expect(client.queryLog.map((q) => q.kind)).toEqual(['metadata']);
    const two = new FakeClient(() => []);
    await new BigQueryConnector(two, { projectId: 'p' }).snapshotAll([table('a', 'raw'), table('b', 'raw'), table('c', 'mart')]);
    expect(two.queryLog).toHaveLength(2);
  });

  it('native partitions: one fact per partition_id, with rows and bytes', async () => {
    const s = (await snapshots('v1')).get(events);
    expect(s.exact).toBe(true);
    expect(s.partitions.map((p) => [p.id, p.rowCount, p.bytes])).toEqual([
      ['20261118', 10, 1200], ['20261119', 12, 1400], ['20261120', 8, 900], ['__NULL__', 2, 200], ['__UNPARTITIONED__', 1, 100],
    ]);
    expect([s.rowCount, s.bytes]).toEqual([33, 3800]);
    expect(s.columns.find((c) => c.name === 'amount')).toMatchObject({ type: 'NUMERIC(12, 2)', kind: 'decimal' });
  });

  it('unchanged partitions → skip; the same response twice gives the same id', async () => {
    const a = (await snapshots('v1')).get(events);
    const b = (await snapshots('v1')).get(events);
    expect(b.snapshotId).toBe(a.snapshotId);
    expect(decide('analytics.events', a, b)).toMatchObject({ decision: 'skip', reason: 'snapshot_match' });
  });

  it('changed, new and removed partitions → partial over exactly the changed ones', async () => {
    const a = (await snapshots('v1')).get(events);
    const b = (await snapshots('v2')).get(events);
    expect(b.schemaHash).toBe(a.schemaHash);
    expect(decide('analytics.events', a, b)).toMatchObject({
      decision: 'partial', reason: 'changed_partitions',
      changedPartitions: ['20261119', '20261121'], removedPartitions: ['20261118'],
      // Cost caps see the scope: 13 + 9 rows, 1500 + 1000 bytes.
      estimatedRows: 22, estimatedBytes: 2500,
    });
  });

  it('ingestion-time: pseudo-columns are not profiled; a streaming buffer change re-scans __UNPARTITIONED__ only', async () => {
    const a = (await snapshots('v1')).get(pageViews);
    const b = (await snapshots('v2')).get(pageViews);
    expect(a.columns.map((c) => c.name)).toEqual(['user_id', 'url']);
    expect(decide('analytics.page_views', a, b)).toMatchObject({
      decision: 'partial', changedPartitions: ['__UNPARTITIONED__'], removedPartitions: [],
    });
  });

  it('unpartitioned and integer-range tables: whole-table snapshots (a change is a full run)', async () => {
    const v1 = await snapshots('v1');
    const v2 = await snapshots('v2');
    expect(v1.get(customers)).toMatchObject({ exact: true, partitions: [], rowCount: 50, bytes: 4000 });
    expect(decide('analytics.customers', v1.get(customers), v2.get(customers))).toMatchObject({ decision: 'skip' });
    expect(v1.get(ranges).partitions).toEqual([]);
    expect(decide('analytics.ranges', v1.get(ranges), v2.get(ranges))).toMatchObject({ decision: 'full', reason: 'snapshot_changed' });
  });

  it('an added column → schema_changed', async () => {
    const a = (await snapshots('v1')).get(hostile);
    const b = (await snapshots('v2')).get(hostile);
    expect(a.columns.map((c) => c.name)).toEqual(['select', 'a b', "it's", 'ünï', '__proto__', 'x"y', 'd-t']);
    expect(decide('analytics.weird-name ü', a, b)).toMatchObject({ decision: 'full', reason: 'schema_changed' });
  });

  it('views have no partitions: never exact; a missing table is an error, never a skip', async () => {
    const { get } = await snapshots('v1');
    expect(get(view)).toMatchObject({ exact: false, partitions: [] });
    expect(decide('analytics.events_v', get(view), get(view))).toMatchObject({ decision: 'full', reason: 'metadata_unavailable' });
    const gone = get(missing) as unknown as Error;
    expect(gone).toBeInstanceOf(Error);
    expect(decide('analytics.missing', undefined, gone)).toMatchObject({ decision: 'full', reason: 'first_run' });
  });
});

describe('BigQuery partition layouts', () => {
  const col = (name: string, type: string, partitioning = false, hidden = false) => ({ name, type, partitioning, hidden });
  it('detects the layout and its unit from the catalog and the ids', () => {
    expect(detectLayout([col('d', 'DATE', true)], ['20250101', '__NULL__'])).toEqual({ kind: 'column', column: 'd', type: 'DATE', unit: 'DAY' });
    expect(detectLayout([col('t', 'TIMESTAMP', true)], ['2025010112'])).toMatchObject({ unit: 'HOUR' });
    expect(detectLayout([col('t', 'DATETIME', true)], ['202501'])).toMatchObject({ unit: 'MONTH' });
    expect(detectLayout([col('t', 'DATE', true)], ['2025'])).toMatchObject({ unit: 'YEAR' });
    expect(detectLayout([col('_PARTITIONTIME', 'TIMESTAMP', true, true)], ['20250101'])).toEqual({ kind: 'ingestion', unit: 'DAY' });
    expect(detectLayout([col('b', 'INT64', true)], ['0', '10'])).toEqual({ kind: 'range', column: 'b' });
    expect(detectLayout([col('x', 'STRING')], [null])).toEqual({ kind: 'none' });
  });

  it('maps ids to UTC ranges, month and year ends included', () => {
    expect(idRange('20241231', 'DAY')).toEqual(['2024-12-31T00:00:00', '2025-01-01T00:00:00']);
    expect(idRange('2024123123', 'HOUR')).toEqual(['2024-12-31T23:00:00', '2025-01-01T00:00:00']);
    expect(idRange('202412', 'MONTH')).toEqual(['2024-12-01T00:00:00', '2025-01-01T00:00:00']);
    expect(idRange('2024', 'YEAR')).toEqual(['2024-01-01T00:00:00', '2025-01-01T00:00:00']);
    expect(() => idRange('202412', 'DAY')).toThrow(/not a DAY partition/);
  });
});
