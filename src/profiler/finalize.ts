/**
 * Turns a merged state into the reported profile. Derived metrics (ratios, mean, stddev, distinct estimate) are
 * computed here and only here, from merged states, so full and incremental runs produce identical numbers.
 */
import { decimalToNumber, toDecimalString } from './decimal.js';
import { decodeRegisters, estimateCardinality } from './hll.js';
import type { ColumnKind, ColumnProfile, ColumnState, MetricName, PartitionState, TableProfile } from './state-types.js';

const NUMERIC: ReadonlySet<ColumnKind> = new Set(['integer', 'decimal', 'float']);
const WITH_EXTREMES: ReadonlySet<ColumnKind> = new Set(['integer', 'decimal', 'float', 'string', 'temporal']);

/** SPEC §3: which metrics a kind supports; the rest are omitted from the profile rather than reported as null. */
export function metricApplies(metric: MetricName, kind: ColumnKind): boolean {
  switch (metric) {
    case 'min':
    case 'max':
      return WITH_EXTREMES.has(kind);
    case 'sum':
    case 'mean':
    case 'stddev':
      return NUMERIC.has(kind);
    case 'min_length':
    case 'max_length':
    case 'avg_length':
      return kind === 'string';
    default:
      return true;
  }
}

/** JSON has no NaN/Infinity; as strings they survive a round trip and stay visible to the reader. */
function jsonFloat(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

/** Derived ratios and moments: a non-finite result (from NaN/Infinity data) is reported as null. */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Exact values as JS numbers when nothing is lost, else as the exact decimal string. */
function exactOut(kind: ColumnKind, v: string | number | null | undefined): string | number | null {
  if (v === null || v === undefined) return null;
  if (kind === 'float') return jsonFloat(typeof v === 'number' ? v : Number(v));
  if (kind !== 'integer' && kind !== 'decimal') return v;
  const s = toDecimalString(v);
  const n = Number(s);
  const lossless = kind === 'integer' ? Number.isSafeInteger(n) : String(n) === s;
  return lossless ? n : s;
}

function mean(state: ColumnState): number | null {
  if (state.count === 0) return null;
  // integer/decimal: the exact sum gives a correctly computed mean; the running mean carries merge rounding.
  if (state.kind !== 'float' && state.sum !== undefined && state.sum !== null) {
    return decimalToNumber(toDecimalString(state.sum)) / state.count;
  }
  if (state.mean !== undefined && state.mean !== null) return state.mean;
  if (state.sum !== undefined && state.sum !== null) return Number(state.sum) / state.count;
  return null;
}

/**
 * Distinct estimate, clamped to [min(count, 1), count]: those bounds are facts, and clamping only ever moves the
 * estimate towards the truth (it matters for tiny columns, where 3 values could otherwise estimate as 4).
 */
function distinct(state: ColumnState): number | undefined {
  if (state.hll === undefined) return undefined;
  const e = estimateCardinality(decodeRegisters(state.hll));
  return Math.min(Math.max(e, Math.min(state.count, 1)), state.count);
}

export function finalizeColumn(state: ColumnState, rowCount: number, metrics: readonly MetricName[]): ColumnProfile {
  const kind = state.kind;
  const out: ColumnProfile = { type: state.type };
  const wanted = new Set(metrics.filter((m) => metricApplies(m, kind)));
  const d = wanted.has('distinct_count') || wanted.has('unique_ratio') ? distinct(state) : undefined;
  const n = state.count;
  if (wanted.has('count')) out.count = n;
  if (wanted.has('null_count')) out.null_count = state.nulls;
  if (wanted.has('null_ratio')) out.null_ratio = rowCount === 0 ? null : state.nulls / rowCount;
  if (wanted.has('distinct_count') && d !== undefined) out.distinct_count = d;
  if (wanted.has('unique_ratio') && d !== undefined) out.unique_ratio = n === 0 ? null : d / n;
  if (wanted.has('min') && state.min !== undefined) out.min = exactOut(kind, state.min);
  if (wanted.has('max') && state.max !== undefined) out.max = exactOut(kind, state.max);
  if (wanted.has('sum') && state.sum !== undefined) out.sum = exactOut(kind, state.sum);
  if (wanted.has('mean')) {
    const m = mean(state);
    out.mean = m === null ? null : finiteOrNull(m);
  }
  if (wanted.has('stddev') && state.m2 !== undefined) {
    // Sample standard deviation; rounding in merged states can leave m2 a hair below zero.
    out.stddev = n < 2 || state.m2 === null ? null : finiteOrNull(Math.sqrt(Math.max(0, state.m2) / (n - 1)));
  }
  if (wanted.has('min_length') && state.minLength !== undefined) out.min_length = state.minLength;
  if (wanted.has('max_length') && state.maxLength !== undefined) out.max_length = state.maxLength;
  if (wanted.has('avg_length') && state.sumLength !== undefined) {
    out.avg_length = n === 0 ? null : state.sumLength / n;
  }
  return out;
}

export interface FinalizeProfileArgs {
  table: string;
  profiledAt: string | Date;
  state: PartitionState;
  partitions: number;
  metrics: readonly MetricName[];
  sampled?: boolean;
  sampleFraction?: number;
}

export function finalizeProfile(args: FinalizeProfileArgs): TableProfile {
  const { state, metrics } = args;
  const columns = Object.entries(state.columns).map(
    ([name, col]) => [name, finalizeColumn(col, state.rowCount, metrics)] as const,
  );
  const profile: TableProfile = {
    table: args.table,
    profiled_at: typeof args.profiledAt === 'string' ? args.profiledAt : args.profiledAt.toISOString(),
    row_count: state.rowCount,
    sampled: args.sampled ?? false,
    partitions: args.partitions,
    // fromEntries, not assignment: a column named `__proto__` must stay an ordinary key.
    columns: Object.fromEntries(columns),
  };
  if (profile.sampled && args.sampleFraction !== undefined) profile.sample_fraction = args.sampleFraction;
  return profile;
}
