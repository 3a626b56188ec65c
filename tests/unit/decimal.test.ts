import { describe, expect, it } from 'vitest';
import {
  addDecimal,
  compareDecimal,
  decimalToNumber,
  normalizeDecimal,
  toDecimalString,
} from '../../src/profiler/decimal.js';

/** Tiny seeded PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Random decimal with up to 30 integer and 12 fractional digits, as units·10^-scale. */
function randomDecimal(rnd: () => number): { s: string; units: bigint; scale: number } {
  const intDigits = Math.floor(rnd() * 30);
  const scale = Math.floor(rnd() * 12);
  let digits = '';
  for (let i = 0; i < intDigits + scale; i++) digits += Math.floor(rnd() * 10);
  const units = BigInt(digits === '' ? '0' : digits) * (rnd() < 0.5 ? -1n : 1n);
  const abs = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  const s = (units < 0n ? '-' : '') + (scale === 0 ? abs : `${abs.slice(0, -scale)}.${abs.slice(-scale)}`);
  return { s, units, scale };
}

describe('normalizeDecimal', () => {
  it.each([
    ['-12.500', '-12.5'],
    ['7', '7'],
    ['007.0', '7'],
    ['-0', '0'],
    ['-0.000', '0'],
    ['+3.10', '3.1'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['-0.0012300', '-0.00123'],
    ['123456789012345678901234567890.000000000000000001', '123456789012345678901234567890.000000000000000001'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeDecimal(input)).toBe(expected);
  });

  it.each(['', '-', '.', '1e5', '1.2.3', 'abc', ' 1', 'NaN', 'Infinity', '0x10'])('rejects %j', (bad) => {
    expect(() => normalizeDecimal(bad)).toThrow(/decimal/);
  });
});

describe('addDecimal / compareDecimal', () => {
  it('keeps sums exact beyond 2^53', () => {
    expect(addDecimal('9007199254740993', '9007199254740993')).toBe('18014398509481986');
    expect(addDecimal('99999999999999999999', '1')).toBe('100000000000000000000');
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(addDecimal('-1.25', '1.25')).toBe('0');
    expect(addDecimal('-0.001', '0.0005')).toBe('-0.0005');
    expect(addDecimal('12.500', '-2.5')).toBe('10');
  });

  it('compares across scales and signs', () => {
    expect(compareDecimal('1.5', '1.50')).toBe(0);
    expect(compareDecimal('-0', '0')).toBe(0);
    expect(compareDecimal('-2', '-10')).toBe(1);
    expect(compareDecimal('9007199254740993', '9007199254740992')).toBe(1);
    expect(compareDecimal('0.0001', '0.001')).toBe(-1);
  });

  it('matches BigInt arithmetic on random values', () => {
    const rnd = prng(42);
    for (let i = 0; i < 2000; i++) {
      const a = randomDecimal(rnd);
      const b = randomDecimal(rnd);
      const scale = Math.max(a.scale, b.scale);
      const ua = a.units * 10n ** BigInt(scale - a.scale);
      const ub = b.units * 10n ** BigInt(scale - b.scale);
      const sum = addDecimal(a.s, b.s);
      // Reparse the sum at the common scale and compare units exactly.
      const [ip, fp = ''] = sum.replace('-', '').split('.');
      const units = BigInt(ip + fp.padEnd(scale, '0')) * (sum.startsWith('-') ? -1n : 1n);
      expect(units).toBe(ua + ub);
      expect(normalizeDecimal(sum)).toBe(sum);
      expect(compareDecimal(a.s, b.s)).toBe(ua < ub ? -1 : ua > ub ? 1 : 0);
      expect(addDecimal(a.s, b.s)).toBe(addDecimal(b.s, a.s));
    }
  });
});

describe('decimalToNumber / toDecimalString', () => {
  it('converts to the nearest double', () => {
    expect(decimalToNumber('-12.500')).toBe(-12.5);
    expect(decimalToNumber('0.1')).toBe(0.1);
    expect(Object.is(decimalToNumber('-0'), 0)).toBe(true);
    expect(decimalToNumber('9007199254740993')).toBe(9007199254740992);
  });

  it('coerces driver values', () => {
    expect(toDecimalString(12345678901234567890n)).toBe('12345678901234567890');
    expect(toDecimalString(-7)).toBe('-7');
    expect(toDecimalString(-0)).toBe('0');
    expect(toDecimalString(1e21)).toBe('1000000000000000000000');
    expect(toDecimalString(2.5)).toBe('2.5');
    expect(toDecimalString('3.00')).toBe('3');
    expect(() => toDecimalString(1e-7)).toThrow();
    expect(() => toDecimalString(NaN)).toThrow();
    expect(() => toDecimalString(null)).toThrow();
  });
});
