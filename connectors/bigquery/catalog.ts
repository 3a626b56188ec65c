/**
 * Change detection from a dataset's INFORMATION_SCHEMA: PARTITIONS (partition_id, total_rows,
 * total_logical_bytes, last_modified_time) and COLUMNS (is_partitioning_column, is_hidden), one query per dataset
 * for all of its configured tables, one row per table. No table data is read.
 *
 * last_modified_time moves when data is inserted, loaded, streamed or modified, and on some maintenance (a false
 * "changed" costs one scan, the safe direction). Google documents that modifications involving record deletions
 * might not be reflected in it; a deletion still changes total_rows and total_logical_bytes, so all three are in
 * each partition's fingerprint.
 */
import type { ColumnInfo, PartitionFact, Row, TableSnapshot } from '../../src/connectors/types.js';
import { snapshotIds } from '../../src/connectors/snapshot-id.js';
import type { BigQueryDialect } from './dialect.js';
import { detectLayout, type Layout, type LayoutColumn } from './partitions.js';

export const WHOLE_TABLE = '__all__';
/** INFORMATION_SCHEMA.PARTITIONS refuses queries touching more than 1000 tables. */
export const MAX_TABLES_PER_QUERY = 1000;

/** `project.dataset.VIEW` in one pair of backticks: project ids and dataset names cannot hold a backtick or dot. */
export function infoSchema(project: string, datasetOrRegion: string, view: string): string {
  return `\`${project}.${datasetOrRegion}.INFORMATION_SCHEMA.${view}\``;
}

export function catalogSql(d: BigQueryDialect, project: string, dataset: string, tables: string[]): string {
  const names = [...new Set(tables)].map((t) => d.literal(t)).join(', ');
  return `SELECT c.table_name, c.columns, p.partitions
FROM (
  SELECT table_name,
    ARRAY_AGG(STRUCT(column_name, ordinal_position, data_type, is_partitioning_column, is_hidden) ORDER BY ordinal_position) AS columns
  FROM ${infoSchema(project, dataset, 'COLUMNS')}
  WHERE table_name IN (${names})
  GROUP BY table_name
) AS c
LEFT JOIN (
  SELECT table_name,
    ARRAY_AGG(STRUCT(partition_id, total_rows, total_logical_bytes, last_modified_time) ORDER BY partition_id) AS partitions
  FROM (
    SELECT table_name, partition_id, SUM(total_rows) AS total_rows, SUM(total_logical_bytes) AS total_logical_bytes,
      FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', MAX(last_modified_time), 'UTC') AS last_modified_time
    FROM ${infoSchema(project, dataset, 'PARTITIONS')}
    WHERE table_name IN (${names})
    GROUP BY table_name, partition_id
  ) AS per_partition
  GROUP BY table_name
) AS p
ON p.table_name = c.table_name
ORDER BY c.table_name`;
}

export function listTablesSql(project: string, datasetOrRegion: string): string {
  return `SELECT table_schema, table_name
FROM ${infoSchema(project, datasetOrRegion, 'TABLES')}
WHERE table_type = 'BASE TABLE'
ORDER BY table_schema, table_name`;
}

interface CatalogPartition {
  partition_id: string | null;
  total_rows: unknown;
  total_logical_bytes: unknown;
  last_modified_time: unknown;
}

export interface CatalogEntry {
  snapshot: TableSnapshot;
  layout: Layout;
}

/** One row of `catalogSql` → the table's snapshot and partition layout. */
export function toEntry(row: Row, d: BigQueryDialect, takenAt: string): CatalogEntry {
  const raw = (Array.isArray(row.columns) ? row.columns : []) as Array<Record<string, unknown>>;
  const layoutColumns: LayoutColumn[] = raw.map((c) => ({
    name: String(c.column_name),
    type: String(c.data_type),
    partitioning: c.is_partitioning_column === 'YES',
    hidden: c.is_hidden === 'YES',
  }));
  // Pseudo-columns (_PARTITIONTIME, _PARTITIONDATE) are hidden: not data, not profiled.
  const columns: ColumnInfo[] = layoutColumns
    .filter((c) => !c.hidden)
    .map((c) => ({ name: c.name, type: c.type, kind: d.columnKind(c.type) }));
  const parts = (Array.isArray(row.partitions) ? row.partitions : []) as CatalogPartition[];
  const layout = detectLayout(layoutColumns, parts.map((p) => p.partition_id));
  const facts: PartitionFact[] = parts.map((p) => ({
    id: p.partition_id ?? WHOLE_TABLE,
    rowCount: num(p.total_rows),
    bytes: num(p.total_logical_bytes),
    fingerprint: [p.last_modified_time, p.total_rows, p.total_logical_bytes].map((v) => (v == null ? '?' : String(v))).join('|'),
  }));
  const rowCount = sum(facts.map((f) => f.rowCount));
  const bytes = sum(facts.map((f) => f.bytes));
  // Views and external tables have no PARTITIONS rows: nothing proves them unchanged.
  const exact = facts.length > 0;
  const native = layout.kind === 'column' || layout.kind === 'ingestion';
  // Unpartitioned and integer-range tables are scanned whole: their facts only feed the snapshot id.
  const snapshot: TableSnapshot = {
    ...snapshotIds(columns, facts),
    exact,
    columns,
    partitions: native ? facts : [],
    ...(rowCount !== undefined ? { rowCount } : {}),
    ...(bytes !== undefined ? { bytes } : {}),
    takenAt,
  };
  return { snapshot, layout };
}

function num(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function sum(values: Array<number | undefined>): number | undefined {
  if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
  return values.reduce<number>((s, v) => s + (v ?? 0), 0);
}
