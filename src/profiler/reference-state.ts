/**
 * A one-pass-over-raw-values reference for metric states: the oracle tests hold merged states and SQL-computed
 * states against. It deliberately avoids merge.ts: strings are ordered by code point (which UTF-8 byte order
 * equals), integers via BigInt, moments by a two-pass computation.
 */
import { addDecimal, compareDecimal, decimalToNumber, toDecimalString } from './decimal.js';
import { bucketAndRank, emptyRegisters, encodeRegisters } from './hll.js';
import type { ColumnKind, ColumnState } from './state-types.js';

export interface ReferenceOptions {
  /** 64-bit hash of a raw value for HLL; defaults to `hash64(canonicalString(kind, v))`. */
  hash?: (v: unknown) => bigint;
  /** Set false to leave `hll` out, as when distinct metrics are off. */
  hll?: boolean;
}

let scratch = Buffer.alloc(256);

/**
 * FNV-1a 64 over the UTF-8 bytes, then the splitmix64 finalizer (FNV alone mixes the high bits poorly, and HLL
 * uses both ends of the hash). FNV runs on 32-bit halves: prime = 2^40 + 0x1b3, so h·prime = h·0x1b3 + (lo << 40).
 */
export function hash64(s: string): bigint {
  if (scratch.length < s.length * 3) scratch = Buffer.alloc(s.length * 3);
  const len = scratch.write(s, 0, 'utf8');
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < len; i++) {
    lo = (lo ^ scratch[i]) >>> 0;
    const t = lo * 0x1b3;
    const carry = Math.floor(t / 2 ** 32);
    hi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = t >>> 0;
  }
  let z = (BigInt(hi) << 32n) | BigInt(lo);
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}

/** The text a value is hashed as; numeric values are canonicalised so `7`, `7n` and `"7.00"` hash alike. */
export function canonicalString(kind: ColumnKind, v: unknown): string {
  if (kind === 'integer' || kind === 'decimal') return toDecimalString(v);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function codePointCompare(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** NaN sorts above +Infinity and -0 below +0, as in merge.ts (a stated contract, re-implemented independently). */
function floatRank(v: number): [number, number] {
  return Number.isNaN(v) ? [1, 0] : [0, v === 0 ? (Object.is(v, -0) ? -1 : 1) : 0];
}

function floatCompare(a: number, b: number): number {
  const [ra, za] = floatRank(a);
  const [rb, zb] = floatRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1 || a === b) return za - zb;
  return a < b ? -1 : 1;
}

function extremes<T>(xs: T[], cmp: (a: T, b: T) => number): [T | null, T | null] {
  if (xs.length === 0) return [null, null];
  const sorted = [...xs].sort(cmp);
  return [sorted[0], sorted[sorted.length - 1]];
}

function twoPassMoments(xs: number[], mean: number): { mean: number | null; m2: number | null } {
  if (xs.length === 0) return { mean: null, m2: null };
  let m2 = 0;
  for (const x of xs) m2 += (x - mean) ** 2;
  return { mean, m2 };
}

export function stateOfValues(kind: ColumnKind, type: string, values: unknown[], opts: ReferenceOptions = {}): ColumnState {
  const present = values.filter((v) => v !== null && v !== undefined);
  const state: ColumnState = { type, kind, count: present.length, nulls: values.length - present.length };
  if (kind === 'integer' || kind === 'decimal') {
    const xs = present.map(toDecimalString);
    [state.min, state.max] = extremes(xs, compareDecimal);
    state.sum = xs.length === 0 ? null : xs.reduce(addDecimal);
    const mean = xs.length === 0 ? 0 : decimalToNumber(state.sum as string) / xs.length;
    Object.assign(state, twoPassMoments(xs.map(decimalToNumber), mean));
  } else if (kind === 'float') {
    const xs = present.map(Number);
    [state.min, state.max] = extremes(xs, floatCompare);
    state.sum = xs.length === 0 ? null : xs.reduce((a, b) => a + b);
    Object.assign(state, twoPassMoments(xs, xs.length === 0 ? 0 : (state.sum as number) / xs.length));
  } else if (kind === 'string') {
    const xs = present.map(String);
    [state.min, state.max] = extremes(xs, codePointCompare);
    const lengths = xs.map((s) => Array.from(s).length);
    // reduce, not Math.min(...xs): spreading a large array overflows the stack.
    state.minLength = lengths.length === 0 ? null : lengths.reduce((a, b) => Math.min(a, b));
    state.maxLength = lengths.length === 0 ? null : lengths.reduce((a, b) => Math.max(a, b));
    state.sumLength = lengths.reduce((a, b) => a + b, 0);
  } else if (kind === 'temporal') {
    const xs = present.map((v) => canonicalString(kind, v));
    [state.min, state.max] = extremes(xs, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  if (opts.hll !== false) {
    const hash = opts.hash ?? ((v: unknown) => hash64(canonicalString(kind, v)));
    const r = emptyRegisters();
    for (const v of present) {
      const [bucket, rank] = bucketAndRank(hash(v));
      if (rank > r[bucket]) r[bucket] = rank;
    }
    state.hll = encodeRegisters(r);
  }
  return state;
}
