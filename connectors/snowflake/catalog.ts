/**
 * Change detection from Snowflake's INFORMATION_SCHEMA: TABLES (ROW_COUNT, BYTES, LAST_ALTERED) joined with
 * COLUMNS, one query per schema for all of its configured tables. No table data is read.
 *
 * LAST_ALTERED moves on every DML and DDL, and also on background maintenance (reclustering, for example): such a
 * move reads as "changed" and costs one scan, which is the safe direction. A table that did not change keeps all
 * three values, so an equal fingerprint proves it unchanged and the snapshot is exact.
 */
import type { ColumnInfo, PartitionFact, Row, SourceTable, TableSnapshot } from '../../src/connectors/types.js';
import { snapshotIds } from '../../src/connectors/snapshot-id.js';
import type { SnowflakeDialect } from './dialect.js';

export const WHOLE_TABLE = '__all__';

/** A table as the catalog spells it. */
export interface CatalogName {
  schema: string;
  table: string;
}

/**
 * Names in the config are matched like names in SQL: the exact spelling first, else its upper-case fold (what an
 * unquoted identifier means to Snowflake). Both spellings are fetched in the one query.
 */
export function spellings(name: string): string[] {
  return [...new Set([name, name.toUpperCase()])];
}

export function catalogSql(d: SnowflakeDialect, schema: string, tables: string[]): string {
  const list = (names: string[]) => [...new Set(names.flatMap(spellings))].map((n) => d.literal(n)).join(', ');
  return `SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.TABLE_TYPE, t.ROW_COUNT, t.BYTES,
  TO_VARCHAR(CONVERT_TIMEZONE('UTC', t.LAST_ALTERED), 'YYYY-MM-DD"T"HH24:MI:SS.FF9"Z"') AS LAST_ALTERED,
  c.COLUMN_NAME, c.DATA_TYPE, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.ORDINAL_POSITION
FROM INFORMATION_SCHEMA.TABLES AS t
LEFT JOIN INFORMATION_SCHEMA.COLUMNS AS c
  ON c.TABLE_CATALOG = t.TABLE_CATALOG AND c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME
WHERE t.TABLE_SCHEMA IN (${list([schema])}) AND t.TABLE_NAME IN (${list(tables)})
ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME, c.ORDINAL_POSITION`;
}

export const LIST_TABLES_SQL = `SELECT TABLE_SCHEMA, TABLE_NAME
FROM INFORMATION_SCHEMA.TABLES
WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA <> 'INFORMATION_SCHEMA'
ORDER BY TABLE_SCHEMA, TABLE_NAME`;

interface CatalogTable {
  name: CatalogName;
  type: string;
  rowCount: number | null;
  bytes: number | null;
  lastAltered: string | null;
  /** The three change signals as the catalog rendered them (raw text, so huge counts stay exact). */
  facts: string;
  columns: ColumnInfo[];
}

/** Rows of `catalogSql` grouped per catalog table, keyed `schema\0table` in catalog spelling. */
export function groupCatalog(rows: Row[], d: SnowflakeDialect): Map<string, CatalogTable> {
  const out = new Map<string, CatalogTable>();
  for (const r of rows) {
    const name = { schema: String(r.table_schema), table: String(r.table_name) };
    const key = `${name.schema}\0${name.table}`;
    let t = out.get(key);
    if (!t) {
      t = { name, type: String(r.table_type), rowCount: num(r.row_count), bytes: num(r.bytes),
        lastAltered: r.last_altered == null ? null : String(r.last_altered),
        facts: [r.last_altered, r.row_count, r.bytes].map((v) => (v == null ? '?' : String(v))).join('|'), columns: [] };
      out.set(key, t);
    }
    if (r.column_name == null) continue;
    const type = typeName(String(r.data_type), r.numeric_precision, r.numeric_scale);
    t.columns.push({ name: String(r.column_name), type, kind: d.columnKind(type) });
  }
  return out;
}

/** The configured name resolved to its catalog spelling, or undefined when the table is not visible. */
export function resolve(found: Map<string, CatalogTable>, wanted: CatalogName): CatalogTable | undefined {
  const pick = (candidates: string[], exists: (s: string) => boolean) => candidates.find(exists);
  const all = [...found.values()];
  const schema = pick(spellings(wanted.schema), (s) => all.some((t) => t.name.schema === s));
  if (schema === undefined) return undefined;
  const table = pick(spellings(wanted.table), (n) => found.has(`${schema}\0${n}`));
  return table === undefined ? undefined : found.get(`${schema}\0${table}`);
}

export function toSnapshot(t: CatalogTable, takenAt: string): TableSnapshot {
  const rowCount = t.rowCount ?? undefined;
  const bytes = t.bytes ?? undefined;
  const whole: PartitionFact = {
    id: WHOLE_TABLE,
    rowCount,
    bytes,
    fingerprint: t.facts,
  };
  // Views and external tables have no ROW_COUNT/BYTES and their LAST_ALTERED says nothing about the data they read.
  const exact = t.type === 'BASE TABLE' && t.lastAltered !== null && t.rowCount !== null && t.bytes !== null;
  // Like DuckDB tables, the whole-table fact only feeds the snapshot id: no native partitions to scan apart.
  return { ...snapshotIds(t.columns, [whole]), exact, columns: t.columns, partitions: [], rowCount, bytes, takenAt };
}

export function tableError(table: SourceTable, wanted: CatalogName): Error {
  return new Error(`table ${table.name} (${wanted.schema}.${wanted.table}) does not exist or is not visible to the role`);
}

function typeName(dataType: string, precision: unknown, scale: unknown): string {
  // Scale decides integer vs decimal, so it is part of the type (and of the schema hash).
  if (dataType === 'NUMBER' && precision != null) return `NUMBER(${String(precision)},${String(scale ?? 0)})`;
  return dataType;
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
