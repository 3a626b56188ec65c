/** Deterministic test data and an independent oracle for expected metrics. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export interface NumericExpect {
  count: number;
  nulls: number;
  min: number | null;
  max: number | null;
  sum: number;
  mean: number | null;
  stddev: number | null;
  distinct: number;
}

export function numericExpect(values: Array<number | null>): NumericExpect {
  const xs = values.filter((v): v is number => v !== null);
  const n = xs.length;
  const sum = xs.reduce((a, b) => a + b, 0);
  const mean = n ? sum / n : null;
  const ss = mean === null ? 0 : xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return {
    count: n,
    nulls: values.length - n,
    min: n ? Math.min(...xs) : null,
    max: n ? Math.max(...xs) : null,
    sum,
    mean,
    stddev: n > 1 ? Math.sqrt(ss / (n - 1)) : null,
    distinct: new Set(xs).size,
  };
}

export function stringExpect(values: Array<string | null>) {
  const xs = values.filter((v): v is string => v !== null);
  const sorted = [...xs].sort(utf8Compare);
  const lens = xs.map((s) => [...s].length);
  return {
    count: xs.length,
    nulls: values.length - xs.length,
    min: sorted[0] ?? null,
    max: sorted[sorted.length - 1] ?? null,
    min_length: lens.length ? Math.min(...lens) : null,
    max_length: lens.length ? Math.max(...lens) : null,
    avg_length: lens.length ? lens.reduce((a, b) => a + b, 0) / lens.length : null,
    distinct: new Set(xs).size,
  };
}

/** 3 standard errors of HLL with m = 4096 (1.04/√m each). */
export const HLL_TOLERANCE = (3 * 1.04) / Math.sqrt(4096);

export function relClose(actual: number | null | undefined, expected: number | null, tol = 1e-9): boolean {
  if (expected === null) return actual === null;
  if (typeof actual !== 'number') return false;
  if (expected === 0) return Math.abs(actual) <= tol;
  return Math.abs(actual - expected) / Math.abs(expected) <= tol;
}

/** SQL string literal for test fixtures (DuckDB and Postgres). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * Two profiles' columns agree: exact for everything except mean/stddev (and float sums), which may differ in the
 * last bits between runs because the warehouse aggregates doubles in parallel. Returns the mismatches.
 */
export function profileDiff(a: Record<string, any>, b: Record<string, any>): string[] {
  const out: string[] = [];
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const name of names) {
    const x = a[name];
    const y = b[name];
    if (!x || !y) {
      out.push(`${name}: present in only one profile`);
      continue;
    }
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      const tolerant = k === 'mean' || k === 'stddev' || (k === 'sum' && /DOUBLE|FLOAT|REAL/i.test(String(x.type)));
      const same = tolerant && typeof x[k] === 'number' && typeof y[k] === 'number' ? relClose(x[k], y[k]) : JSON.stringify(x[k]) === JSON.stringify(y[k]);
      if (!same) out.push(`${name}.${k}: ${JSON.stringify(x[k])} != ${JSON.stringify(y[k])}`);
    }
  }
  return out;
}
