import { describe, expect, it } from 'vitest';
import {
  HLL_M,
  HLL_SPARSE_LIMIT,
  bucketAndRank,
  decodeRegisters,
  emptyRegisters,
  encodeRegisters,
  estimateCardinality,
  mergeRegisters,
  registersFromPacked,
  registersFromPairs,
} from '../../src/profiler/hll.js';
import { hash64 } from '../../src/profiler/reference-state.js';
import { mergePartitionStates } from '../../src/profiler/merge.js';

function registersOf(from: number, to: number, prefix = 'v'): Uint8Array {
  const r = emptyRegisters();
  for (let i = from; i < to; i++) {
    const [b, k] = bucketAndRank(hash64(prefix + i));
    if (k > r[b]) r[b] = k;
  }
  return r;
}

/** FNV-1a 64 + splitmix64 written directly on BigInt, to check the 32-bit-halves implementation. */
function slowHash(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(s, 'utf8')) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  let z = BigInt.asUintN(64, (h ^ (h >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}

const nonZero = (r: Uint8Array): number => r.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);

describe('hash and bucket/rank', () => {
  it('hash64 equals a direct BigInt FNV-1a + splitmix64', () => {
    for (const s of ['', 'a', 'hello world', 'ü😀𝄞', 'x'.repeat(3000), '0', '-12.5']) expect(hash64(s)).toBe(slowHash(s));
  });

  it('computes bucket = low 12 bits and rank = 1 + trailing zeros of the rest with a sentinel at bit 52', () => {
    expect(bucketAndRank(0n)).toEqual([0, 53]);
    expect(bucketAndRank(0xfffn)).toEqual([4095, 53]);
    expect(bucketAndRank(0x1abcn)).toEqual([0xabc, 1]);
    expect(bucketAndRank(1n << 12n)).toEqual([0, 1]);
    expect(bucketAndRank(1n << 13n)).toEqual([0, 2]);
    expect(bucketAndRank(1n << 44n)).toEqual([0, 33]);
    expect(bucketAndRank(1n << 63n)).toEqual([0, 52]);
    expect(bucketAndRank(-1n)).toEqual([4095, 1]);
    for (let bit = 12n; bit < 64n; bit++) expect(bucketAndRank((1n << bit) | 5n)).toEqual([5, Number(bit) - 11]);
  });
});

describe('estimateCardinality', () => {
  const bound = 3 * (1.04 / Math.sqrt(HLL_M));

  it('is 0 for empty registers and exact-ish for tiny sets', () => {
    expect(estimateCardinality(emptyRegisters())).toBe(0);
    expect(estimateCardinality(registersOf(0, 1))).toBe(1);
    expect(Math.abs(estimateCardinality(registersOf(0, 10)) - 10)).toBeLessThanOrEqual(1);
  });

  it.each([1_000, 10_000, 100_000, 1_000_000])('estimates %i distinct values within 3 standard errors', (n) => {
    const e = estimateCardinality(registersOf(0, n));
    expect(Math.abs(e / n - 1)).toBeLessThan(bound);
  });

  it('handles saturated registers without blowing up', () => {
    const full = new Uint8Array(HLL_M).fill(53);
    expect(estimateCardinality(full)).toBe(Number.MAX_SAFE_INTEGER);
    const high = new Uint8Array(HLL_M).fill(40);
    expect(Number.isFinite(estimateCardinality(high))).toBe(true);
    expect(estimateCardinality(high)).toBeGreaterThan(1e12);
  });
});

describe('register encoding', () => {
  it('round-trips sparse and dense forms canonically', () => {
    for (const n of [0, 1, 50, 500, 1_000, 20_000]) {
      const r = registersOf(0, n, 'enc');
      const s = encodeRegisters(r);
      expect(s.startsWith(nonZero(r) < HLL_SPARSE_LIMIT ? 's:' : 'd:')).toBe(true);
      expect(decodeRegisters(s)).toEqual(r);
      expect(encodeRegisters(decodeRegisters(s))).toBe(s);
    }
    expect(encodeRegisters(registersOf(0, 500)).startsWith('s:')).toBe(true);
    expect(encodeRegisters(registersOf(0, 5_000)).startsWith('d:')).toBe(true);
    expect(encodeRegisters(emptyRegisters())).toBe('s:');
  });

  it('is canonical regardless of how the registers were built', () => {
    const r = registersOf(0, 300);
    const buckets: number[] = [];
    const ranks: number[] = [];
    r.forEach((v, i) => {
      if (v > 0) buckets.unshift(i), ranks.unshift(v); // reversed order, plus lower duplicates
      if (v > 1) buckets.push(i), ranks.push(v - 1);
    });
    expect(encodeRegisters(registersFromPairs(buckets, ranks))).toBe(encodeRegisters(r));
    // A subarray view with an offset must encode the same bytes.
    const big = new Uint8Array(HLL_M + 16);
    big.set(registersOf(0, 5_000), 16);
    expect(encodeRegisters(big.subarray(16))).toBe(encodeRegisters(registersOf(0, 5_000)));
  });

  it('parses the SQL packed form', () => {
    const r = registersFromPacked('00a03fff0100002abc35ABC02');
    expect(r[0x00a]).toBe(3);
    expect(r[0xfff]).toBe(1);
    expect(r[0]).toBe(2);
    expect(r[0xabc]).toBe(0x35);
    expect(nonZero(r)).toBe(4);
    expect(encodeRegisters(r)).toBe('s:0000200a03abc35fff01');
    expect(() => registersFromPacked('00a0')).toThrow();
    expect(() => registersFromPacked('00a36')).toThrow(/rank/);
    expect(() => registersFromPacked('zzzzz')).toThrow();
    expect(() => decodeRegisters('x:')).toThrow();
    expect(() => decodeRegisters('d:AAAA')).toThrow();
    expect(() => registersFromPairs([4096], [1])).toThrow(/bucket/);
    // Width 6: `1bbbrr` tokens (upper or lower case hex), the leading 1 checked.
    expect(registersFromPacked('100A03' + '1fff01' + '100002', 6)).toEqual(registersFromPacked('00a03fff0100002'));
    expect(() => registersFromPacked('200a03', 6)).toThrow(/malformed/);
    expect(() => registersFromPacked('100a0', 6)).toThrow(/malformed/);
    expect(() => registersFromPacked('100a36', 6)).toThrow(/rank/);
  });
});

describe('mergeRegisters', () => {
  it('registers of two halves merge to the registers of the whole', () => {
    for (const [n, cut] of [[1_000, 400], [200_000, 123_456]] as const) {
      const whole = registersOf(0, n);
      const merged = mergeRegisters(registersOf(0, cut), registersOf(cut, n));
      expect(merged).toEqual(whole);
      expect(estimateCardinality(merged)).toBe(estimateCardinality(whole));
    }
  });

  it('is the element-wise max and returns a new array', () => {
    const a = registersFromPairs([1, 2], [5, 1]);
    const b = registersFromPairs([2, 3], [4, 2]);
    const m = mergeRegisters(a, b);
    expect([m[1], m[2], m[3]]).toEqual([5, 4, 2]);
    expect(m).not.toBe(a);
    expect(a[2]).toBe(1);
  });
});

describe('dense decoding and the multi-partition fold', () => {
  const random = (seed: number): Uint8Array => {
    const r = emptyRegisters();
    let x = seed;
    for (let i = 0; i < HLL_M; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      r[i] = x % 54; // every legal rank 0..53, in every byte position of a 32-bit word
    }
    return r;
  };

  it('accepts rank 53 and rejects 54..255 in any byte of the dense form', () => {
    const r = random(7);
    r[0] = 53;
    expect(decodeRegisters(encodeRegisters(r))).toEqual(r);
    for (const pos of [0, 1, 2, 3, 4093]) {
      for (const bad of [54, 127, 128, 255]) {
        const x = random(pos);
        x[pos] = bad;
        const text = `d:${Buffer.from(x).toString('base64')}`;
        expect(() => decodeRegisters(text), `${bad} at ${pos}`).toThrow(/rank/);
      }
    }
    expect(() => decodeRegisters(`d:${Buffer.from(random(1)).toString('base64').slice(0, -4)}`)).toThrow(/malformed/);
  });

  it('folding 50 partitions equals pairwise element-wise max (word-at-a-time compare included)', () => {
    const regs = Array.from({ length: 50 }, (_, i) => random(i + 1));
    const states = regs.map((r) => ({
      rowCount: 1,
      columns: { c: { type: 'BIGINT', kind: 'integer' as const, count: 1, nulls: 0, hll: encodeRegisters(r) } },
    }));
    const expected = regs.reduce((a, b) => mergeRegisters(a, b));
    expect(decodeRegisters(mergePartitionStates(states).columns.c.hll!)).toEqual(expected);
    // A partition without the sketch makes it unknown for the table, whatever its position.
    const missing = states.map((s, i) => (i === 30 ? { ...s, columns: { c: { ...s.columns.c, hll: undefined } } } : s));
    expect(mergePartitionStates(missing).columns.c.hll).toBeUndefined();
  });

  it('folds sparse and dense states alike, decoding into the accumulator, and rejects a bad state mid-fold', () => {
    // Sparse (a few hundred values) and dense states interleaved, dense ones through the shared scratch buffer.
    const regs = Array.from({ length: 21 }, (_, i) => (i % 3 === 0 ? random(100 + i) : registersOf(i * 50, i * 50 + 40 + i, `s${i}`)));
    const encoded = regs.map(encodeRegisters);
    expect(encoded.filter((e) => e.startsWith('s:')).length).toBe(14);
    const states = encoded.map((hll) => ({ rowCount: 1, columns: { c: { type: 'BIGINT', kind: 'integer' as const, count: 1, nulls: 0, hll } } }));
    const expected = regs.reduce((a, b) => mergeRegisters(a, b));
    expect(decodeRegisters(mergePartitionStates(states).columns.c.hll!)).toEqual(expected);
    // Sparse first, then dense: the first state's array is its own, never the scratch buffer.
    const twice = mergePartitionStates([states[1], states[0], states[2], states[3]]);
    expect(decodeRegisters(twice.columns.c.hll!)).toEqual([regs[1], regs[0], regs[2], regs[3]].reduce((a, b) => mergeRegisters(a, b)));
    const bad = random(5);
    bad[9] = 60;
    const broken = [...states.slice(0, 4), { ...states[4], columns: { c: { ...states[4].columns.c, hll: `d:${Buffer.from(bad).toString('base64')}` } } }];
    expect(() => mergePartitionStates(broken)).toThrow(/rank/);
    const badToken = [...states.slice(0, 4), { ...states[4], columns: { c: { ...states[4].columns.c, hll: 's:00a3' } } }];
    expect(() => mergePartitionStates(badToken)).toThrow(/malformed/);
  });
});
