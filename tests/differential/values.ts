/**
 * Seeded column values as SQL text (cast to the column type when written), shared by the differential
 * scenarios. Extremes sit at type limits, but floats stay one-signed at large magnitude: ±1e15 in one sum would
 * cancel, and the 1e-9 relative bound on float sums would then measure summation order, not correctness.
 */
import { sqlString } from '../helpers/data.js';

export type Mode = 'normal' | 'extreme' | 'nulls' | 'unicode';
export const MODES: Mode[] = ['normal', 'normal', 'normal', 'extreme', 'nulls', 'unicode'];

const WORDS = ['alpha', 'Beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
const UNICODE = ['日本語', '😀 smile', 'Zürich', 'e\u0301', '', "O'Brien", 'ß', '\u{10FFFF}', 'tab\there', 'Ω≈ç√', 'İı', '🏳️‍🌈'];

const EXTREMES: Record<string, string[]> = {
  BIGINT: ['9223372036854775807', '-9223372036854775808', '9007199254740993', '-9007199254740993', '0'],
  INTEGER: ['2147483647', '-2147483648', '0', '-1'],
  'DECIMAL(18,2)': ['9999999999999999.99', '-9999999999999999.99', '-0.01', '0.00'],
  'DECIMAL(10,3)': ['9999999.999', '-9999999.999', '-0.001'],
  DOUBLE: ['1e15', '1e-300', '-0.0', '2.5e-7', '123456789.123456789'],
  FLOAT: ['3.0e38', '1e-38', '-0.5'],
  VARCHAR: ['x'.repeat(300), '', ' ', '\u{10FFFF}\u{10FFFF}', 'zzzz'],
  TIMESTAMP: ['1000-01-01 00:00:00', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:00'],
  DATE: ['1000-01-01', '9999-12-31'],
  BOOLEAN: ['true', 'false'],
};

export const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
export const randInt = (rand: () => number, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

function normal(type: string, rand: () => number): string {
  switch (type) {
    case 'BIGINT':
      return String(randInt(rand, -1_000_000, 1_000_000));
    case 'INTEGER':
      return String(randInt(rand, -1000, 1000));
    case 'DECIMAL(18,2)':
      return (rand() * 20000 - 10000).toFixed(2);
    case 'DECIMAL(10,3)':
      return (rand() * 2000 - 1000).toFixed(3);
    case 'DOUBLE':
      return String(rand() * 1100 - 100);
    case 'FLOAT':
      return String(Math.fround(rand() * 100));
    case 'VARCHAR':
      return `${pick(rand, WORDS)}${randInt(rand, 0, 300)}`;
    case 'TIMESTAMP':
      return new Date(Date.UTC(2020, 0, 1) + Math.floor(rand() * 3.15e11)).toISOString().replace('T', ' ').replace('Z', '');
    case 'DATE':
      return new Date(Date.UTC(2020, 0, 1) + randInt(rand, 0, 3650) * 86_400_000).toISOString().slice(0, 10);
    case 'BOOLEAN':
      return rand() < 0.5 ? 'true' : 'false';
    default:
      throw new Error(`no generator for ${type}`);
  }
}

export function value(type: string, mode: Mode, rand: () => number): string | null {
  if (mode === 'nulls') return null;
  const r = rand();
  if (r < 0.1) return null;
  if (mode === 'extreme' && r < 0.5) return pick(rand, EXTREMES[type]);
  if (mode === 'unicode' && type === 'VARCHAR') return pick(rand, UNICODE) + (r < 0.5 ? '' : String(randInt(rand, 0, 9)));
  return normal(type, rand);
}

/** A typed SQL expression for a generated value. */
export function typed(v: string | null, type: string): string {
  return v === null ? `CAST(NULL AS ${type})` : `CAST(${sqlString(v)} AS ${type})`;
}

/** A quoted SQL identifier (column names below are hostile on purpose). */
export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Names for columns added by schema evolution: plain, quoted, unicode, SQL keywords, and names of the scan's own
 * aliases and JS object internals, which must stay ordinary column names end to end.
 */
export function addedColumnName(rand: () => number, taken: readonly string[]): string {
  const base = pick(rand, ['added', 'we"ird name', 'Ünï cödé', 'select', '__p', 'c0', '__proto__', 'constructor']);
  return taken.includes(base) ? `${base}_${taken.length}_${randInt(rand, 0, 999)}` : base;
}

/** Types a column added by schema evolution may have. */
export const ADDED_TYPES = ['BIGINT', 'VARCHAR', 'DOUBLE', 'DECIMAL(10,3)', 'DATE', 'BOOLEAN'];
