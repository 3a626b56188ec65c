/**
 * Hostile identifiers (quotes, spaces, semicolons, reserved words, unicode) profile correctly, and a table that
 * does not exist fails alone: exit 1, the other tables still profiled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { DuckDBDialect } from '../../connectors/duckdb/dialect.js';
import { cli, tempDir, writeConfig } from '../helpers/workspace.js';

const d = new DuckDBDialect();
const SCHEMA = 'my "schema"; --';
const TABLE = `select ; DROP TABLE x; "quoted" ünï😀`;
const COLS = ['select', 'a b', '"q"', 'ünïcødé 😀', 'x;y', "it's", 'from'];
const ws = tempDir('baselinr-hostile-');

beforeAll(async () => {
  const c = await DuckDBClient.open(join(ws.dir, 'w.duckdb'));
  await c.exec(`CREATE SCHEMA ${d.quoteIdent(SCHEMA)}`);
  await c.exec(`CREATE TABLE ${d.qualify(SCHEMA, TABLE)} (${COLS.map((x, i) => `${d.quoteIdent(x)} ${i % 2 ? 'VARCHAR' : 'INTEGER'}`).join(', ')})`);
  await c.exec(`INSERT INTO ${d.qualify(SCHEMA, TABLE)} SELECT ${COLS.map((_, i) => (i % 2 ? `CASE WHEN r % 4 = 0 THEN NULL ELSE 'v' || r END` : `r * ${i + 1}`)).join(', ')} FROM range(100) t(r)`);
  await c.exec(`CREATE TABLE main.fine AS SELECT range AS id FROM range(10)`);
  await c.close();
  const yamlString = (s: string) => JSON.stringify(s);
  writeConfig(ws.dir, `source: {type: duckdb, path: ./w.duckdb}
profiling:
  tables:
    - table: ${yamlString(TABLE)}
      schema: ${yamlString(SCHEMA)}
    - table: does_not_exist
    - table: fine
`);
});
afterAll(() => ws.cleanup());

describe('hostile names and a missing table', () => {
  it('profiles the hostile table, fails only the missing one, exits 1', () => {
    const r = cli(['-c', join(ws.dir, 'baselinr.yml'), '--format', 'json', 'profile']);
    expect(r.code, r.stderr).toBe(1);
    const doc = r.json();
    const byName = Object.fromEntries(doc.tables.map((t: any) => [t.table, t]));
    const hostile = byName[`${SCHEMA}.${TABLE}`];
    expect(hostile.status, hostile.error).toBe('ok');
    expect(byName['main.fine'].status).toBe('ok');
    expect(byName['main.does_not_exist']).toMatchObject({ status: 'failed', decision: 'full', reason: 'first_run' });
    expect(byName['main.does_not_exist'].error).toContain('does_not_exist');

    const cols = hostile.profile.columns;
    expect(Object.keys(cols)).toEqual(COLS);
    expect(cols.select).toMatchObject({ count: 100, min: 0, max: 99, sum: 4950 });
    expect(cols['a b']).toMatchObject({ count: 75, null_count: 25 });
    expect(cols['"q"']).toMatchObject({ count: 100, max: 99 * 3 });
    expect(cols['ünïcødé 😀']).toMatchObject({ count: 75, min: 'v1', max: 'v99' });
    expect(cols['from']).toMatchObject({ count: 100, sum: 4950 * 7 });
  });

  it('show finds the hostile table by its display name', () => {
    const r = cli(['-c', join(ws.dir, 'baselinr.yml'), '--format', 'json', 'show', `${SCHEMA}.${TABLE}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().row_count).toBe(100);
  });
});
