/**
 * The Snowflake detector on recorded INFORMATION_SCHEMA responses (TABLES joined with COLUMNS, vendor column
 * names), fed through the real planner: unchanged, changed, new, removed tables and schema changes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TableConfig } from '../../src/config/index.js';
import type { SourceTable, TableSnapshot } from '../../src/connectors/types.js';
import { SnowflakeConnector } from '../../connectors/snowflake/index.js';
import { FakeClient, decide, snowflakeRows, type SnowflakeWire } from '../helpers/fake-client.js';

const load = (v: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/snowflake/catalog-${v}.json`, import.meta.url), 'utf8')) as SnowflakeWire;
const fixtures = { v1: load('v1'), v2: load('v2') };

function table(name: string, schema = 'PUBLIC'): SourceTable {
  const config: TableConfig = { name: `${schema}.${name}`, kind: 'table', schema, table: name, contract: { kind: 'snapshot' } };
  return { name: config.name, config };
}

const tables = [table('events'), table('Odd "Table"'), table('EVENTS_V'), table('DOOMED'), table('NEW_TABLE')];

async function snapshots(version: keyof typeof fixtures) {
  const client = new FakeClient(() => snowflakeRows(fixtures[version]));
  const map = await new SnowflakeConnector(client, { schema: 'PUBLIC' }).snapshotAll(tables);
  return { client, get: (t: SourceTable) => map.get(t.name) as TableSnapshot | Error };
}

describe('Snowflake detector', () => {
  it('reads every configured table of a schema in one metadata query', async () => {
    const { client } = await snapshots('v1');
    expect(client.queryLog.map((q) => q.kind)).toEqual(['metadata']);
  });

  it('one query per schema when tables span schemas', async () => {
    const client = new FakeClient(() => []);
    const other = [table('A', 'RAW'), table('B', 'RAW'), table('C', 'MART')];
    const found = await new SnowflakeConnector(client, {}).snapshotAll(other);
    expect(client.queryLog).toHaveLength(2);
    expect(found.get('RAW.A')).toBeInstanceOf(Error);
  });

  it('resolves an unquoted-style name to its upper-case catalog spelling; facts become an exact snapshot', async () => {
    const { get } = await snapshots('v1');
    const s = get(tables[0]) as TableSnapshot;
    expect(s.exact).toBe(true);
    expect(s.rowCount).toBe(1000);
    expect(s.bytes).toBe(52428);
    expect(s.partitions).toEqual([]);
    expect(s.columns.map((c) => [c.name, c.type, c.kind])).toEqual([
      ['ID', 'NUMBER(38,0)', 'integer'], ['AMOUNT', 'NUMBER(12,2)', 'decimal'], ['SCORE', 'FLOAT', 'float'],
      ['NAME', 'TEXT', 'string'], ['CREATED_AT', 'TIMESTAMP_NTZ', 'temporal'], ['UPDATED_AT', 'TIMESTAMP_TZ', 'temporal'],
      ['EVENT_DATE', 'DATE', 'temporal'], ['EVENT_TIME', 'TIME', 'temporal'], ['IS_VALID', 'BOOLEAN', 'boolean'],
      ['PAYLOAD', 'VARIANT', 'other'],
    ]);
    expect((get(tables[1]) as TableSnapshot).columns.map((c) => c.name)).toEqual(
      ['select', 'we"ird col', 'Mixed Case', "it's\\here", 'ünïcode ✓', '__proto__'],
    );
  });

  it('an unchanged table gives the same snapshot id and is skipped', async () => {
    const [a, b] = [await snapshots('v1'), await snapshots('v1')];
    const before = a.get(tables[0]) as TableSnapshot;
    const after = b.get(tables[0]) as TableSnapshot;
    expect(after.snapshotId).toBe(before.snapshotId);
    expect(decide('PUBLIC.events', before, after)).toMatchObject({ decision: 'skip', reason: 'snapshot_match' });
  });

  it('changed ROW_COUNT / BYTES / LAST_ALTERED → snapshot_changed (whole table, no native partitions)', async () => {
    const before = (await snapshots('v1')).get(tables[0]) as TableSnapshot;
    const after = (await snapshots('v2')).get(tables[0]) as TableSnapshot;
    expect(after.schemaHash).toBe(before.schemaHash);
    expect(after.snapshotId).not.toBe(before.snapshotId);
    expect(decide('PUBLIC.events', before, after)).toMatchObject({ decision: 'full', reason: 'snapshot_changed', estimatedRows: 1250 });
  });

  it('a LAST_ALTERED move alone (e.g. background maintenance) reads as changed: the safe direction', async () => {
    const before = (await snapshots('v1')).get(tables[0]) as TableSnapshot;
    const wire = structuredClone(fixtures.v1);
    for (const r of wire.rowset) if (r[1] === 'EVENTS') r[5] = '2026-11-20T09:30:00.000000000Z';
    const client = new FakeClient(() => snowflakeRows(wire));
    const after = (await new SnowflakeConnector(client, {}).snapshot(tables[0]));
    expect(decide('PUBLIC.events', before, after)).toMatchObject({ decision: 'full', reason: 'snapshot_changed' });
  });

  it('an added column → schema_changed', async () => {
    const before = (await snapshots('v1')).get(tables[1]) as TableSnapshot;
    const after = (await snapshots('v2')).get(tables[1]) as TableSnapshot;
    expect(after.schemaHash).not.toBe(before.schemaHash);
    expect(decide('PUBLIC.Odd "Table"', before, after)).toMatchObject({ decision: 'full', reason: 'schema_changed' });
  });

  it('a dropped table is an error (metadata_unavailable → full, never skip); a new table is a first run', async () => {
    const v1 = await snapshots('v1');
    const v2 = await snapshots('v2');
    const gone = v2.get(tables[3]);
    expect(gone).toBeInstanceOf(Error);
    expect((gone as Error).message).toMatch(/does not exist or is not visible/);
    expect(decide('PUBLIC.DOOMED', v1.get(tables[3]) as TableSnapshot, gone)).toMatchObject({ decision: 'full', reason: 'metadata_unavailable' });
    expect(v1.get(tables[4])).toBeInstanceOf(Error);
    expect(decide('PUBLIC.NEW_TABLE', undefined, v2.get(tables[4]))).toMatchObject({ decision: 'full', reason: 'first_run' });
  });

  it('a view has no ROW_COUNT/BYTES: never exact, so an equal id still profiles', async () => {
    const a = (await snapshots('v1')).get(tables[2]) as TableSnapshot;
    const b = (await snapshots('v2')).get(tables[2]) as TableSnapshot;
    expect(a.exact).toBe(false);
    expect(b.snapshotId).toBe(a.snapshotId);
    expect(decide('PUBLIC.EVENTS_V', a, b)).toMatchObject({ decision: 'full', reason: 'metadata_unavailable' });
  });

  it('lists base tables when none are configured (new tables appear)', async () => {
    const client = new FakeClient(() => snowflakeRows({
      rowtype: [{ name: 'TABLE_SCHEMA', type: 'text' }, { name: 'TABLE_NAME', type: 'text' }],
      rowset: [['PUBLIC', 'EVENTS'], ['PUBLIC', 'NEW_TABLE']],
    }));
    const listed = await new SnowflakeConnector(client, {}).listTables([]);
    expect(listed.map((t) => [t.name, t.config.schema, t.config.table])).toEqual([
      ['PUBLIC.EVENTS', 'PUBLIC', 'EVENTS'], ['PUBLIC.NEW_TABLE', 'PUBLIC', 'NEW_TABLE'],
    ]);
  });
});
