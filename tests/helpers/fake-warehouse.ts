/**
 * The compute side of the HTTP fakes: in-memory tables, and the answer to baselinr's one-scan query computed from
 * their rows. The fake reads the statement it received (which columns under which alias, which aggregates, whether
 * HLL is asked, which partitions the scope's WHERE selects) and aggregates exactly that, so a wrong column mapping
 * or filter in the emitted SQL shows up as a wrong profile.
 */
import { createHash } from 'node:crypto';
import type { ColumnKind } from '../../src/profiler/state-types.js';
import { addDecimal, compareDecimal } from '../../src/profiler/decimal.js';
import { bucketAndRank } from '../../src/profiler/hll.js';
import { utf8Compare } from './data.js';

export interface FakeColumn {
  name: string;
  kind: ColumnKind;
  /** The vendor's catalog type, for fakes that answer catalog queries from the table itself. */
  type?: string;
}

export type FakeRow = Record<string, unknown>;

export interface FakeTable {
  columns: FakeColumn[];
  rows: FakeRow[];
  /** The partition id of a row as the warehouse assigns it ('' for an unpartitioned table). */
  partitionOf: (row: FakeRow) => string;
  /** The partitioning column; `_PARTITIONTIME` for an ingestion-time table. */
  partitionColumn?: string;
}

/** One output row: partition text, row count, aggregates keyed by alias (`c0_n`, …), HLL arrays. */
export interface ScanOutput {
  p: string;
  rows: number;
  values: Record<string, string | number | null>;
  hc: number[] | null;
  hr: string[] | null;
}

/** A deterministic signed 64-bit hash standing in for HASH / FARM_FINGERPRINT. */
export function fakeHash(v: unknown): bigint {
  const d = createHash('sha256').update(JSON.stringify(v)).digest();
  return d.readBigInt64BE(0);
}

/** `quotedName AS quotedAlias` pairs of the src projection, in order, for an identifier pattern. */
export function projection(sql: string, ident: RegExp, unquote: (s: string) => string): Array<{ column: string; alias: string }> {
  const src = sql.slice(sql.indexOf('WITH src AS'), sql.indexOf('\nbase AS'));
  const re = new RegExp(`${ident.source} AS ${ident.source}`, 'g');
  return [...src.matchAll(re)].map((m) => ({ column: unquote(m[1]), alias: unquote(m[2]) }));
}

export function computeScan(
  table: FakeTable,
  sql: string,
  mapping: Array<{ column: string; alias: string }>,
  selected: (row: FakeRow) => boolean,
): ScanOutput[] {
  const aliases = [...sql.slice(sql.indexOf('\nbase AS')).matchAll(/AS [`"](c\d+_[a-z0-9]+)[`"]/g)].map((m) => m[1]);
  const hll = sql.includes('\nhll AS (');
  const groups = new Map<string, FakeRow[]>();
  for (const row of table.rows.filter(selected)) {
    const p = table.partitionOf(row);
    groups.set(p, [...(groups.get(p) ?? []), row]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, rows]) => {
    const values: ScanOutput['values'] = {};
    for (const alias of aliases) {
      const [, ordinal, suffix] = /^c(\d+)_(\w+)$/.exec(alias)!;
      const m = mapping.find((x) => x.alias === `c${ordinal}`)!;
      const col = table.columns.find((c) => c.name === m.column)!;
      values[alias] = aggregate(col.kind, rows.map((r) => r[col.name]).filter((v) => v !== null && v !== undefined), suffix);
    }
    const sketches = hll ? mapping.map((m, i) => [i, registers(rows.map((r) => r[m.column]))] as const).filter(([, s]) => s !== '') : [];
    return {
      p,
      rows: rows.length,
      values,
      hc: sketches.length ? sketches.map(([i]) => i) : null,
      hr: sketches.length ? sketches.map(([, s]) => s) : null,
    };
  });
}

function aggregate(kind: ColumnKind, xs: unknown[], suffix: string): string | number | null {
  if (suffix === 'n') return xs.length;
  // SQL aggregates over no values are NULL (COUNT aside).
  if (xs.length === 0) return null;
  if (suffix === 'min' || suffix === 'max') {
    const sorted = [...xs].sort((a, b) => compare(kind, a, b));
    const v = suffix === 'min' ? sorted[0] : sorted[sorted.length - 1];
    return kind === 'float' ? Number(v) : String(v);
  }
  if (suffix === 'lmin' || suffix === 'lmax' || suffix === 'lsum') {
    const lens = xs.map((s) => [...String(s)].length);
    return suffix === 'lmin' ? Math.min(...lens) : suffix === 'lmax' ? Math.max(...lens) : lens.reduce((a, b) => a + b, 0);
  }
  const nums = xs.map(Number);
  const mean = nums.reduce((a, b) => a + b, 0) / nums.length;
  if (suffix === 'sum') return kind === 'float' ? nums.reduce((a, b) => a + b, 0) : xs.map(String).reduce((a, b) => addDecimal(a, b), '0');
  if (suffix === 'mean') return mean;
  if (suffix === 'm2') return nums.reduce((a, x) => a + (x - mean) ** 2, 0);
  throw new Error(`fake warehouse: unknown aggregate ${suffix}`);
}

function compare(kind: ColumnKind, a: unknown, b: unknown): number {
  if (kind === 'integer' || kind === 'decimal') return compareDecimal(String(a), String(b));
  if (kind === 'float') return Number(a) - Number(b);
  return utf8Compare(String(a), String(b));
}

/** Packed `bbbrr` registers of the non-null values, sorted by bucket ('' when there are none). */
function registers(values: unknown[]): string {
  const r = new Map<number, number>();
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const [b, rank] = bucketAndRank(fakeHash(v));
    r.set(b, Math.max(rank, r.get(b) ?? 0));
  }
  return [...r.entries()].sort(([a], [b]) => a - b)
    .map(([b, rank]) => b.toString(16).padStart(3, '0') + rank.toString(16).padStart(2, '0')).join('');
}
