/**
 * Exact decimal arithmetic on plain strings. Warehouse sums of BIGINT/DECIMAL columns routinely exceed 2^53 and a
 * merged state must equal the one-pass result digit for digit, so these values never pass through doubles.
 * A value is a BigInt of units scaled by 10^-scale; operands are aligned to the larger scale.
 */

interface Scaled {
  units: bigint;
  scale: number;
}

// Exponent-free only: pg and DuckDB render NUMERIC/DECIMAL/BIGINT without exponents, so an exponent means a
// value went through a double somewhere, which is a bug worth surfacing rather than absorbing.
const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;

function parse(s: string): Scaled {
  const m = DECIMAL_RE.exec(s);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) {
    throw new Error(`not an exponent-free decimal string: ${JSON.stringify(s)}`);
  }
  // Trailing zeros carry no value; dropping them keeps scales (and BigInt sizes) small.
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const units = BigInt((m[2] === '' ? '0' : m[2]) + frac);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

function rescale(x: Scaled, scale: number): bigint {
  return scale === x.scale ? x.units : x.units * 10n ** BigInt(scale - x.scale);
}

function format(units: bigint, scale: number): string {
  let u = units;
  let sc = scale;
  while (sc > 0 && u % 10n === 0n) {
    u /= 10n;
    sc--;
  }
  const neg = u < 0n;
  let digits = (neg ? -u : u).toString();
  if (sc > 0) {
    digits = digits.padStart(sc + 1, '0');
    digits = `${digits.slice(0, -sc)}.${digits.slice(-sc)}`;
  }
  // u === 0n is never negative, so `-0` and `-0.000` come out as `0`.
  return neg ? `-${digits}` : digits;
}

/** Canonical form: no leading zeros, no trailing fractional zeros, no `+`, `0` for any zero. */
export function normalizeDecimal(s: string): string {
  const x = parse(s);
  return format(x.units, x.scale);
}

export function addDecimal(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return format(rescale(x, scale) + rescale(y, scale), scale);
}

export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Nearest double (JS number parsing is correctly rounded); for derived metrics only, never for state. */
export function decimalToNumber(s: string): number {
  return Number(normalizeDecimal(s));
}

/**
 * Coerces what drivers hand back (string, bigint, or a JS number for small values) into a canonical decimal
 * string. Non-integral numbers whose shortest form needs an exponent are refused: their exact value is not what
 * the warehouse stored.
 */
export function toDecimalString(v: unknown): string {
  if (typeof v === 'string') return normalizeDecimal(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (Number.isInteger(v)) return BigInt(v).toString();
    const s = String(v);
    if (!/e/i.test(s)) return normalizeDecimal(s);
  }
  throw new Error(`not an exact decimal value: ${String(v)}`);
}
