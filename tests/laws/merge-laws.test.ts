/**
 * Merge laws per kind and metric (DESIGN §7): associativity, commutativity, `undefined` identity, and
 * merge(state(A), state(B)) = state(A ∪ B) against the independent reference, over random data and random splits.
 */
import { describe, expect, it } from 'vitest';
import { mergeColumnStates, mergePartitionStates } from '../../src/profiler/merge.js';
import { stateOfValues } from '../../src/profiler/reference-state.js';
import type { ColumnKind, ColumnState } from '../../src/profiler/state-types.js';

type Rnd = () => number;

/** mulberry32: tiny, seeded, good enough to drive property tests reproducibly. */
function prng(seed: number): Rnd {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const int = (r: Rnd, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rnd, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const digits = (r: Rnd, n: number): string => Array.from({ length: n }, () => int(r, 0, 9)).join('');

// Characters chosen so UTF-16 code unit order and code point order disagree (U+FF01 vs astral), plus equal prefixes.
const CHARS = ['a', 'b', 'Z', ' ', 'é', 'ß', '中', '\uFF01', '\uE000', '😀', '𝄞', '🙂', '\u0000'];

const generators: Record<string, { kind: ColumnKind; type: string; value: (r: Rnd) => unknown }> = {
  integer: {
    kind: 'integer',
    type: 'BIGINT',
    value: (r) =>
      pick(r, [
        () => int(r, -20, 20),
        () => BigInt(int(r, -1000, 1000)) * 10n ** 15n + BigInt(int(r, 0, 999)),
        () => (r() < 0.5 ? '-' : '') + int(r, 1, 9) + digits(r, int(r, 16, 24)),
        () => String(int(r, -(2 ** 40), 2 ** 40)),
      ])(),
  },
  decimal: {
    kind: 'decimal',
    type: 'DECIMAL(38,6)',
    value: (r) =>
      pick(r, [
        () => `${r() < 0.5 ? '-' : ''}${int(r, 0, 99)}.${digits(r, 6)}`,
        () => pick(r, ['12.500', '-12.5', '-0.000000', '0', '7', '7.000000', '0.000001']),
        () => `${r() < 0.5 ? '-' : ''}${int(r, 1, 9)}${digits(r, 25)}.${digits(r, 3)}`,
      ])(),
  },
  // Dyadic rationals with few significant bits: every partial sum is exact, so float sums compare exactly too.
  float: {
    kind: 'float',
    type: 'DOUBLE',
    value: (r) => pick(r, [() => int(r, -(2 ** 30), 2 ** 30) / 1024, () => pick(r, [0, -0, 1.5, -1.5, 1e6])])(),
  },
  string: {
    kind: 'string',
    type: 'VARCHAR',
    value: (r) => (r() < 0.3 ? pick(r, ['', 'a', 'ab', '😀', '\uFF01']) : Array.from({ length: int(r, 0, 6) }, () => pick(r, CHARS)).join('')),
  },
  temporal: {
    kind: 'temporal',
    type: 'TIMESTAMPTZ',
    value: (r) => {
      const d = new Date(int(r, 0, 2 ** 41) * (r() < 0.3 ? 1000 : 1));
      return r() < 0.5 ? d : d.toISOString();
    },
  },
  boolean: { kind: 'boolean', type: 'BOOLEAN', value: (r) => r() < 0.5 },
  other: { kind: 'other', type: 'JSON', value: (r) => JSON.stringify({ k: int(r, 0, 30) }) },
};

function randomValues(r: Rnd, gen: (r: Rnd) => unknown): unknown[] {
  const n = pick(r, [0, 1, 2, int(r, 3, 20), int(r, 20, 120)]);
  const nullRate = pick(r, [0, 0.2, 1]);
  const pool = Array.from({ length: int(r, 1, 5) }, () => gen(r));
  return Array.from({ length: n }, () => (r() < nullRate ? null : r() < 0.3 ? pick(r, pool) : gen(r)));
}

function split<T>(r: Rnd, xs: T[]): T[][] {
  const parts: T[][] = Array.from({ length: int(r, 1, 6) }, () => []);
  for (const x of xs) parts[int(r, 0, parts.length - 1)].push(x);
  return parts;
}

/** Merges in a random tree shape, so associativity is exercised along with the union law. */
function mergeTree(r: Rnd, xs: ColumnState[]): ColumnState | undefined {
  if (xs.length <= 1) return mergeColumnStates(xs[0], undefined);
  const cut = int(r, 1, xs.length - 1);
  return mergeColumnStates(mergeTree(r, xs.slice(0, cut)), mergeTree(r, xs.slice(cut)));
}

function shuffle<T>(r: Rnd, xs: T[]): T[] {
  const ys = [...xs];
  for (let i = ys.length - 1; i > 0; i--) {
    const j = int(r, 0, i);
    [ys[i], ys[j]] = [ys[j], ys[i]];
  }
  return ys;
}

/** Exact for everything except the moments; `scale` is the data's largest magnitude. */
function expectSameState(actual: ColumnState | undefined, expected: ColumnState, scale: number): void {
  expect(actual).toBeDefined();
  const { mean: am, m2: a2, ...aRest } = actual as ColumnState;
  const { mean: em, m2: e2, ...eRest } = expected;
  expect(aRest).toEqual(eRest);
  for (const [a, e, floor] of [[am, em, 1e-12 * scale], [a2, e2, 1e-12 * expected.count * scale * scale]] as const) {
    if (e === null || e === undefined) {
      expect(a).toBe(e);
    } else {
      expect(typeof a).toBe('number');
      expect(Math.abs((a as number) - e)).toBeLessThanOrEqual(1e-9 * Math.abs(e) + floor);
    }
  }
}

const magnitude = (values: unknown[]): number =>
  values.reduce<number>((m, v) => (typeof v === 'number' || typeof v === 'bigint' || (typeof v === 'string' && /^-?[\d.]+$/.test(v)) ? Math.max(m, Math.abs(Number(v))) : m), 1);

describe.each(Object.keys(generators))('merge laws: %s', (name) => {
  const { kind, type, value } = generators[name];
  const state = (vs: unknown[]): ColumnState => stateOfValues(kind, type, vs);

  it('merge of partition states equals the state of the union, for any split and merge order', () => {
    const r = prng(0x5eed ^ name.length * 7919);
    for (let iter = 0; iter < 300; iter++) {
      const values = randomValues(r, value);
      const parts = split(r, values).map(state);
      const whole = state(values);
      const scale = magnitude(values);
      expectSameState(mergeTree(r, shuffle(r, parts)), whole, scale);
      const table = mergePartitionStates(parts.map((c) => ({ rowCount: 0, columns: { c } })));
      expectSameState(table.columns.c, whole, scale);
    }
  });

  it('is commutative (bit for bit), associative, and has undefined as identity', () => {
    const r = prng(0xc0ffee ^ name.length * 104729);
    for (let iter = 0; iter < 300; iter++) {
      const [a, b, c] = [0, 1, 2].map(() => randomValues(r, value));
      const [sa, sb, sc] = [a, b, c].map(state);
      const scale = magnitude([...a, ...b, ...c]);
      expect(mergeColumnStates(sa, sb)).toEqual(mergeColumnStates(sb, sa));
      const left = mergeColumnStates(mergeColumnStates(sa, sb), sc) as ColumnState;
      expectSameState(mergeColumnStates(sa, mergeColumnStates(sb, sc)), left, scale);
      expect(mergeColumnStates(sa, undefined)).toEqual(sa);
      expect(mergeColumnStates(undefined, sa)).toEqual(sa);
    }
    expect(mergeColumnStates(undefined, undefined)).toBeUndefined();
  });
});

describe('merge edge cases', () => {
  const s = (vs: unknown[], opts = {}): ColumnState => stateOfValues('float', 'DOUBLE', vs, opts);

  it('refuses to merge different types, naming both', () => {
    const a = stateOfValues('integer', 'INTEGER', [1]);
    const b = stateOfValues('integer', 'BIGINT', [2]);
    expect(() => mergeColumnStates(a, b)).toThrow(/INTEGER.*BIGINT/);
    expect(() => mergeColumnStates(a, stateOfValues('string', 'INTEGER', ['x']))).toThrow(/integer.*string/);
  });

  it('drops a metric that only one side computed', () => {
    const m = mergeColumnStates(s([1, 2]), s([3], { hll: false })) as ColumnState;
    expect(m.hll).toBeUndefined();
    expect(m.count).toBe(3);
  });

  it('orders NaN above Infinity and sums non-finite floats like the warehouse', () => {
    const m = mergeColumnStates(s([1, NaN, -Infinity]), s([Infinity, 2])) as ColumnState;
    expect([m.min, m.max, m.sum]).toEqual([-Infinity, NaN, NaN]);
    const n = mergeColumnStates(s([1, Infinity]), { ...s([-5]), max: '-5', min: '-Infinity', sum: '-Infinity' });
    expect([n?.min, n?.max, n?.sum]).toEqual([-Infinity, Infinity, NaN]);
  });

  it('merges partition states in input order, keeping odd column names as plain keys', () => {
    const p = (vs: unknown[]) => ({ rowCount: vs.length, columns: JSON.parse(JSON.stringify({ ['__proto__']: s(vs) })) });
    const t = mergePartitionStates([p([1, null]), p([]), p([3])]);
    expect(t.rowCount).toBe(3);
    expect(Object.keys(t.columns)).toEqual(['__proto__']);
    expect(t.columns['__proto__'].count).toBe(2);
    expect(mergePartitionStates([])).toEqual({ rowCount: 0, columns: {} });
  });
});
