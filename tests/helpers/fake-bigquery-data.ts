/**
 * What the fake BigQuery derives from its tables: the answer to the connector's catalog query (COLUMNS from the
 * schema, pseudo-columns of ingestion-time tables hidden; PARTITIONS from the rows grouped by partition id, with
 * total_rows, total_logical_bytes and a last_modified_time the test moves), and its reading of a scan's partition
 * scope: the WHERE of `(SELECT * FROM t WHERE …) AS __scope`, interpreted on row values. Only the predicate shapes
 * a partition filter may take are understood; anything else fails loudly, so a filter the fake cannot read never
 * passes as "every row".
 */
import { readFileSync } from 'node:fs';
import type { BigQueryFixture } from './fake-client.js';
import type { FakeRow, FakeTable } from './fake-warehouse.js';

type Pred = (row: FakeRow) => boolean;

const LIT = String.raw`(?:DATE|DATETIME|TIMESTAMP) '([^']+)'`;
const COL = String.raw`(\`(?:[^\`\\]|\\.)+\`|_PARTITIONTIME)`;
const RANGE = new RegExp(String.raw`^\(${COL} >= ${LIT} AND ${COL} < ${LIT}\)$`);
const OUTSIDE = new RegExp(String.raw`^\(${COL} < ${LIT} OR ${COL} >= ${LIT}\)$`);
const IS_NULL = new RegExp(String.raw`^${COL} IS NULL$`);

/** A comparable UTC text for a literal or a row value: dates, datetimes and +00 timestamps alike. */
function norm(v: unknown): string {
  const s = String(v).replace(' ', 'T').replace(/\+00(:00)?$|Z$/, '');
  return s.length === 10 ? `${s}T00:00:00` : s;
}

function column(token: string): string {
  return token === '_PARTITIONTIME' ? '_PARTITIONTIME' : token.slice(1, -1).replace(/\\(.)/g, '$1');
}

function condition(text: string): Pred {
  let m = RANGE.exec(text);
  if (m) {
    const [col, lo, hi] = [column(m[1]), norm(m[2]), norm(m[4])];
    return (r) => r[col] != null && norm(r[col]) >= lo && norm(r[col]) < hi;
  }
  m = OUTSIDE.exec(text);
  if (m) {
    const [col, lo, hi] = [column(m[1]), norm(m[2]), norm(m[4])];
    return (r) => r[col] != null && (norm(r[col]) < lo || norm(r[col]) >= hi);
  }
  m = IS_NULL.exec(text);
  if (m) {
    const col = column(m[1]);
    return (r) => r[col] == null;
  }
  if (text === 'FALSE') return () => false;
  throw new Error(`fake BigQuery cannot read the scope condition: ${text}`);
}

export function scopeFilter(sql: string): Pred {
  const scope = /\n {4}WHERE ([\s\S]*?)\) AS __scope/.exec(sql) ?? / WHERE (FALSE)\) AS __scope/.exec(sql);
  if (!scope) return () => true;
  const preds = scope[1].split('\n    OR ').map((c) => condition(c.trim()));
  return (r) => preds.some((p) => p(r));
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/bigquery/catalog-v1.json', import.meta.url), 'utf8'),
) as BigQueryFixture;

export function bigqueryCatalog(
  sql: string,
  tables: Record<string, FakeTable>,
  modified: Map<string, string>,
  rowBytes = 100,
): BigQueryFixture {
  const wanted = [...(/table_name IN \(([^)]*)\)/.exec(sql)?.[1] ?? '').matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]);
  const rows = wanted.filter((name) => tables[name]).sort().map((name) => {
    const t = tables[name];
    const columns = t.columns.map((c, i) => ({
      column_name: c.name, ordinal_position: i + 1, data_type: c.type ?? 'STRING',
      is_partitioning_column: c.name === t.partitionColumn ? 'YES' : 'NO', is_hidden: 'NO',
    }));
    if (t.partitionColumn === '_PARTITIONTIME') {
      columns.push({ column_name: '_PARTITIONTIME', ordinal_position: null as unknown as number, data_type: 'TIMESTAMP', is_partitioning_column: 'YES', is_hidden: 'YES' });
    }
    const counts = new Map<string, number>();
    for (const r of t.rows) counts.set(t.partitionOf(r), (counts.get(t.partitionOf(r)) ?? 0) + 1);
    const partitions = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, n]) => ({
      partition_id: t.partitionColumn ? id : null, total_rows: n, total_logical_bytes: n * rowBytes,
      last_modified_time: modified.get(`${name}/${id}`) ?? '2026-11-20T00:00:00.000000Z',
    }));
    return { table_name: name, columns, partitions };
  });
  return { schema: fixture.schema, rows };
}
