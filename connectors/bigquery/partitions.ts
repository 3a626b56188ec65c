/**
 * BigQuery partition ids are not column values: `20250101` (DAY), `2025010112` (HOUR), `202501` (MONTH), `2025`
 * (YEAR), `__NULL__` (NULL partitioning value) and `__UNPARTITIONED__` (column values outside 1960-01-01 ..
 * 2159-12-31, or, for ingestion-time tables, rows still in the streaming buffer whose _PARTITIONTIME is NULL).
 * This module maps ids to pruning filters on the partitioning column and rows back to ids, so a scan's groups
 * line up with the ids of INFORMATION_SCHEMA.PARTITIONS.
 */
import type { BigQueryDialect } from './dialect.js';

export type TimeUnit = 'HOUR' | 'DAY' | 'MONTH' | 'YEAR';

export type Layout =
  | { kind: 'none' }
  /** Integer-range partitions: the id is a range start whose width the catalog does not give; scanned whole. */
  | { kind: 'range'; column: string }
  | { kind: 'column'; column: string; type: 'DATE' | 'DATETIME' | 'TIMESTAMP'; unit: TimeUnit }
  | { kind: 'ingestion'; unit: TimeUnit };

export const NULL_ID = '__NULL__';
export const UNPARTITIONED_ID = '__UNPARTITIONED__';
/** The pseudo-column carried out of the scope subquery (SELECT * does not include pseudo-columns). */
export const INGESTION_COLUMN = '__baselinr_partitiontime';

const UNIT_BY_LENGTH: Record<number, TimeUnit> = { 4: 'YEAR', 6: 'MONTH', 8: 'DAY', 10: 'HOUR' };
const FORMAT: Record<TimeUnit, string> = { YEAR: '%Y', MONTH: '%Y%m', DAY: '%Y%m%d', HOUR: '%Y%m%d%H' };
const LOW = '1960-01-01T00:00:00';
const HIGH = '2160-01-01T00:00:00';

export interface LayoutColumn {
  name: string;
  type: string;
  partitioning: boolean;
  hidden: boolean;
}

/**
 * The time unit shows in the ids' length. A table with no dated partition yet (empty, or NULLs only) gets DAY:
 * should that be wrong, the next snapshot lists the real ids and the mismatched states are replaced.
 */
export function detectLayout(columns: LayoutColumn[], ids: Array<string | null>): Layout {
  const dated = ids.filter((id): id is string => id !== null && /^\d+$/.test(id));
  const unit = UNIT_BY_LENGTH[dated[0]?.length ?? 8] ?? 'DAY';
  const key = columns.find((c) => c.partitioning);
  if (key && !key.hidden) {
    const type = key.type.toUpperCase();
    if (type === 'DATE' || type === 'DATETIME' || type === 'TIMESTAMP') return { kind: 'column', column: key.name, type, unit };
    return { kind: 'range', column: key.name };
  }
  if (key || ids.some((id) => id !== null)) return { kind: 'ingestion', unit };
  return { kind: 'none' };
}

/** Start (inclusive) and end (exclusive) of a dated partition id, as `YYYY-MM-DDTHH:MM:SS` in UTC. */
export function idRange(id: string, unit: TimeUnit): [string, string] {
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?$/.exec(id);
  if (!m || UNIT_BY_LENGTH[id.length] !== unit) throw new Error(`partition id ${id} is not a ${unit} partition`);
  const [y, mo, d, h] = [Number(m[1]), Number(m[2] ?? 1) - 1, Number(m[3] ?? 1), Number(m[4] ?? 0)];
  const start = new Date(Date.UTC(y, mo, d, h));
  const end = new Date(Date.UTC(y + (unit === 'YEAR' ? 1 : 0), mo + (unit === 'MONTH' ? 1 : 0),
    d + (unit === 'DAY' ? 1 : 0), h + (unit === 'HOUR' ? 1 : 0)));
  return [start.toISOString().slice(0, 19), end.toISOString().slice(0, 19)];
}

function typedLiteral(d: BigQueryDialect, type: string, iso: string): string {
  if (type === 'DATE') return `DATE ${d.literal(iso.slice(0, 10))}`;
  if (type === 'DATETIME') return `DATETIME ${d.literal(iso.replace('T', ' '))}`;
  return `TIMESTAMP ${d.literal(`${iso.replace('T', ' ')}+00`)}`;
}

/** The text of a row's partition id, computed from the partitioning column the way BigQuery assigns rows. */
export function partitionIdExpr(d: BigQueryDialect, layout: Layout): string {
  if (layout.kind === 'ingestion') {
    const pt = d.quoteIdent(INGESTION_COLUMN);
    return `CASE WHEN ${pt} IS NULL THEN ${d.literal(UNPARTITIONED_ID)} ELSE FORMAT_TIMESTAMP(${d.literal(FORMAT[layout.unit])}, ${pt}, 'UTC') END`;
  }
  if (layout.kind !== 'column') throw new Error(`no partition expression for a ${layout.kind} layout`);
  const c = d.quoteIdent(layout.column);
  const fmt = d.literal(FORMAT[layout.unit]);
  const text = layout.type === 'DATE' ? `FORMAT_DATE(${fmt}, ${c})`
    : layout.type === 'DATETIME' ? `FORMAT_DATETIME(${fmt}, ${c})` : `FORMAT_TIMESTAMP(${fmt}, ${c}, 'UTC')`;
  return `CASE WHEN ${c} IS NULL THEN ${d.literal(NULL_ID)} WHEN ${outside(d, layout)} THEN ${d.literal(UNPARTITIONED_ID)} ELSE ${text} END`;
}

function outside(d: BigQueryDialect, layout: Extract<Layout, { kind: 'column' }>): string {
  const c = d.quoteIdent(layout.column);
  return `${c} < ${typedLiteral(d, layout.type, LOW)} OR ${c} >= ${typedLiteral(d, layout.type, HIGH)}`;
}

/**
 * A predicate selecting exactly the rows of `ids`, written on the partitioning column (or _PARTITIONTIME) with
 * constants, so BigQuery prunes to those partitions and bills only their bytes.
 */
export function partitionFilter(d: BigQueryDialect, layout: Layout, ids: string[]): string {
  if (ids.length === 0) return 'FALSE';
  if (layout.kind !== 'column' && layout.kind !== 'ingestion') throw new Error(`no partition filter for a ${layout.kind} layout`);
  const col = layout.kind === 'column' ? d.quoteIdent(layout.column) : '_PARTITIONTIME';
  const type = layout.kind === 'column' ? layout.type : 'TIMESTAMP';
  const conds = ids.map((id) => {
    if (id === NULL_ID) return `${col} IS NULL`;
    if (id === UNPARTITIONED_ID) return layout.kind === 'column' ? `(${outside(d, layout)})` : `${col} IS NULL`;
    const [lo, hi] = idRange(id, layout.unit);
    return `(${col} >= ${typedLiteral(d, type, lo)} AND ${col} < ${typedLiteral(d, type, hi)})`;
  });
  return conds.join('\n    OR ');
}
