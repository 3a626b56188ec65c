/**
 * Merge of metric states. The table profile is always a merge of partition states, so these functions are what
 * makes a partial run equal a full one: merge is associative and commutative with `undefined` as identity, and
 * exact (bit for bit, independent of order) for counts, extremes, integer/decimal sums, lengths and HLL.
 * Float sums and the (mean, m2) moments are exact up to rounding; `mergeColumnStates(a, b)` and `(b, a)` still
 * give identical bits because operands are put in a canonical order first.
 *
 * An optional field (e.g. `hll` with distinct metrics off) survives only when both sides have it: a metric that
 * one partition did not compute is unknown for the table, and reporting the other partitions' value would be wrong.
 * A `null` field means "no values in this partition" and is the identity of that field.
 */
import { addDecimal, compareDecimal, toDecimalString } from './decimal.js';
import { decodeRegisters, encodeRegisters, mergeEncodedInto, mergeRegisters } from './hll.js';
import type { ColumnKind, ColumnState, PartitionState } from './state-types.js';

type Scalar = string | number;
type Cmp = (x: Scalar, y: Scalar) => number;

/** Floats may arrive as numbers or, when the store keeps them JSON-safe, as "NaN"/"Infinity"/"-Infinity". */
function toFloat(v: Scalar): number {
  return typeof v === 'number' ? v : Number(v);
}

/** Total order matching Postgres/DuckDB: NaN above +Infinity; -0 below +0 so ties cannot depend on order. */
export function compareFloat(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  if (x !== y) return x < y ? -1 : 1;
  if (x === 0) return (Object.is(x, -0) ? 0 : 1) - (Object.is(y, -0) ? 0 : 1);
  return 0;
}

/** Binary collation, as the warehouses compare strings; equals code point order, unlike JS `<` on UTF-16. */
export function compareUtf8(x: string, y: string): number {
  return Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8'));
}

function canonical(kind: ColumnKind, v: Scalar): Scalar {
  if (kind === 'integer' || kind === 'decimal') return toDecimalString(v);
  if (kind === 'float') return toFloat(v);
  return v;
}

function comparator(kind: ColumnKind): Cmp {
  switch (kind) {
    case 'integer':
    case 'decimal':
      return (x, y) => compareDecimal(String(x), String(y));
    case 'float':
      return (x, y) => compareFloat(x as number, y as number);
    case 'string':
      return (x, y) => compareUtf8(String(x), String(y));
    default:
      // temporal: fixed-layout ISO-8601 strings, so string order is time order.
      return (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  }
}

function extreme(kind: ColumnKind, x: Scalar | null, y: Scalar | null, sign: 1 | -1): Scalar | null {
  if (x === null) return y === null ? null : canonical(kind, y);
  if (y === null) return canonical(kind, x);
  const cx = canonical(kind, x);
  const cy = canonical(kind, y);
  return sign * comparator(kind)(cx, cy) >= 0 ? cx : cy;
}

function addSums(kind: ColumnKind, x: Scalar | null, y: Scalar | null): Scalar | null {
  if (x === null) return y === null ? null : canonical(kind, y);
  if (y === null) return canonical(kind, x);
  if (kind === 'float' || (typeof x === 'number' && typeof y === 'number' && kind !== 'integer' && kind !== 'decimal')) {
    return toFloat(x) + toFloat(y);
  }
  return addDecimal(toDecimalString(x), toDecimalString(y));
}

function nullableMin(x: number | null, y: number | null): number | null {
  return x === null ? y : y === null ? x : Math.min(x, y);
}

function nullableMax(x: number | null, y: number | null): number | null {
  return x === null ? y : y === null ? x : Math.max(x, y);
}

interface Moments {
  n: number;
  mean: number;
  m2: number;
}

/** Chan et al. parallel variance; operands ordered canonically so the float result is commutative bit for bit. */
function mergeMoments(a: Moments | null, b: Moments | null): Moments | null {
  if (a === null) return b;
  if (b === null) return a;
  const order = a.n - b.n || compareFloat(a.mean, b.mean) || compareFloat(a.m2, b.m2);
  const [p, q] = order <= 0 ? [a, b] : [b, a];
  const n = p.n + q.n;
  const delta = q.mean - p.mean;
  return { n, mean: p.mean + delta * (q.n / n), m2: p.m2 + q.m2 + delta * delta * p.n * (q.n / n) };
}

function moments(s: ColumnState): Moments | null {
  if (s.count === 0 || s.mean === null || s.mean === undefined || s.m2 === null || s.m2 === undefined) return null;
  return { n: s.count, mean: s.mean, m2: s.m2 };
}

/** Both sides present → merged; either absent → absent (the metric was not computed everywhere). */
function both<T>(x: T | undefined, y: T | undefined, f: (x: T, y: T) => T): T | undefined {
  return x === undefined || y === undefined ? undefined : f(x, y);
}

export function mergeColumnStates(a: ColumnState | undefined, b: ColumnState | undefined): ColumnState | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.type !== b.type || a.kind !== b.kind) {
    // A type change makes the planner re-profile the table; getting here means a caller mixed generations.
    throw new Error(`cannot merge column states of different types: ${a.type} (${a.kind}) and ${b.type} (${b.kind})`);
  }
  const kind = a.kind;
  const out: ColumnState = { type: a.type, kind, count: a.count + b.count, nulls: a.nulls + b.nulls };
  const put = <K extends keyof ColumnState>(key: K, v: ColumnState[K] | undefined): void => {
    if (v !== undefined) out[key] = v;
  };
  put('min', both(a.min, b.min, (x, y) => extreme(kind, x, y, -1)));
  put('max', both(a.max, b.max, (x, y) => extreme(kind, x, y, 1)));
  put('sum', both(a.sum, b.sum, (x, y) => addSums(kind, x, y)));
  if (a.mean !== undefined && b.mean !== undefined && a.m2 !== undefined && b.m2 !== undefined) {
    const m = mergeMoments(moments(a), moments(b));
    out.mean = m === null ? null : m.mean;
    out.m2 = m === null ? null : m.m2;
  }
  put('hll', both(a.hll, b.hll, (x, y) => encodeRegisters(mergeRegisters(decodeRegisters(x), decodeRegisters(y)))));
  put('minLength', both(a.minLength, b.minLength, nullableMin));
  put('maxLength', both(a.maxLength, b.maxLength, nullableMax));
  put('sumLength', both(a.sumLength, b.sumLength, (x, y) => x + y));
  return out;
}

/**
 * Merges partition states in the given order (float results depend on it, so callers pass partitions sorted by
 * key). The caller guarantees every partition has every column: a column missing from one partition is merged
 * from the partitions that have it, not treated as all-null there.
 */
export function mergePartitionStates(states: readonly PartitionState[]): PartitionState {
  let rowCount = 0;
  // A Map, then fromEntries: column names are user data and `__proto__` must stay an ordinary key.
  const columns = new Map<string, ColumnState>();
  // Registers stay decoded across the fold and are encoded once: a decode/encode per pairwise merge was the
  // largest cost of a 1-of-100-partitions tick. Same result as folding `mergeColumnStates` (max is exact).
  const registers = new Map<string, Uint8Array | undefined>();
  for (const s of states) {
    rowCount += s.rowCount;
    for (const [name, col] of Object.entries(s.columns)) {
      // Without its `hll` key, so the merged column never gets one and nothing has to be deleted afterwards.
      const { hll, ...rest } = col;
      const seen = columns.has(name);
      columns.set(name, mergeColumnStates(columns.get(name), rest) as ColumnState);
      const acc = registers.get(name);
      if (!seen) registers.set(name, hll === undefined ? undefined : decodeRegisters(hll));
      else if (acc !== undefined) registers.set(name, hll === undefined ? undefined : mergeEncodedInto(acc, hll));
    }
  }
  for (const [name, r] of registers) {
    if (r !== undefined) columns.set(name, { ...(columns.get(name) as ColumnState), hll: encodeRegisters(r) });
  }
  return { rowCount, columns: Object.fromEntries(columns) };
}
