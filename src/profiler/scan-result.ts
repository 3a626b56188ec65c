/** Turns the rows of the one-scan query into per-partition mergeable states. */
import type { ColumnInfo, Row, ScanSource } from '../connectors/types.js';
import type { ColumnState, PartitionState } from './state-types.js';
import { alias } from './scan-query.js';
import { emptyRegisters, encodeRegisters, registersFromPacked } from './hll.js';
import { normalizeDecimal, toDecimalString } from './decimal.js';

export function emptyColumnState(c: ColumnInfo, hll: boolean): ColumnState {
  const s: ColumnState = { type: c.type, kind: c.kind, count: 0, nulls: 0 };
  if (isNumeric(c) || c.kind === 'string' || c.kind === 'temporal') {
    s.min = null;
    s.max = null;
  }
  if (isNumeric(c)) {
    s.sum = null;
    s.mean = null;
    s.m2 = null;
  }
  if (c.kind === 'string') {
    s.minLength = null;
    s.maxLength = null;
    s.sumLength = 0;
  }
  if (hll) s.hll = encodeRegisters(emptyRegisters());
  return s;
}

export function parseScanRows(
  rows: Row[],
  columns: ColumnInfo[],
  source: ScanSource,
  hll: boolean,
  hllTokenWidth: 5 | 6 = 5,
): Map<string, PartitionState> {
  const out = new Map<string, PartitionState>();
  for (const row of rows) {
    const id = source.partitionId(row.__p === null || row.__p === undefined ? null : String(row.__p));
    const rowCount = toCount(row.__rows);
    const sketches = hll ? hllByColumn(row) : new Map<number, string>();
    const entries: Array<[string, ColumnState]> = [];
    columns.forEach((c, i) => {
      const get = (suffix: string) => row[alias(i, suffix)];
      const s = emptyColumnState(c, false);
      s.count = toCount(get('n'));
      s.nulls = rowCount - s.count;
      if ('min' in s) {
        s.min = extreme(c, get('min'));
        s.max = extreme(c, get('max'));
      }
      if (isNumeric(c)) {
        s.sum = extreme(c, get('sum'));
        // The mean is the exact sum over the count: one aggregate less per numeric column than avg() (~6 % of
        // DuckDB's per-partition aggregate CPU), and the same value the engines' avg() computes.
        s.mean = s.count > 0 && s.sum !== null ? toFloat(Number(s.sum) / s.count) : null;
        s.m2 = s.count > 0 ? (toFloat(get('m2')) ?? 0) : null;
      }
      if (c.kind === 'string') {
        s.minLength = toFloatOrNull(get('lmin'));
        s.maxLength = toFloatOrNull(get('lmax'));
        s.sumLength = toCount(get('lsum'));
      }
      if (hll) {
        const packed = sketches.get(i);
        s.hll = encodeRegisters(packed ? registersFromPacked(packed, hllTokenWidth) : emptyRegisters());
      }
      entries.push([c.name, s]);
    });
    // fromEntries, not assignment: a column named `__proto__` must stay an ordinary key.
    const state: PartitionState = { rowCount, columns: Object.fromEntries(entries) };
    if (out.has(id)) throw new Error(`scan returned partition ${id} twice`);
    out.set(id, state);
  }
  return out;
}

function hllByColumn(row: Row): Map<number, string> {
  const cols = (row.__hc as unknown[] | null) ?? [];
  const regs = (row.__hr as unknown[] | null) ?? [];
  return new Map(cols.map((c, j) => [Number(c), String(regs[j] ?? '')]));
}

function isNumeric(c: ColumnInfo): boolean {
  return c.kind === 'integer' || c.kind === 'decimal' || c.kind === 'float';
}

function extreme(c: ColumnInfo, v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (c.kind === 'float') return toFloat(v);
  if (c.kind === 'integer' || c.kind === 'decimal') return normalizeDecimal(toDecimalString(v));
  return String(v);
}

function toCount(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`not a count: ${String(v)}`);
  return n;
}

/** Non-finite floats travel as strings: JSON (and so the state store) would turn them into null. */
function toFloat(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return (Number.isFinite(n) ? n : String(n)) as number;
}

function toFloatOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
