/** BigQuery (GoogleSQL) facts and emitters. */
import type { Dialect } from '../../src/connectors/dialect.js';
import type { ColumnKind } from '../../src/profiler/state-types.js';
import { HLL_P, HLL_Q } from '../../src/profiler/hll.js';

const INTEGER = /^(INT64|INT|INTEGER|SMALLINT|BIGINT|TINYINT|BYTEINT)$/;
const DECIMAL = /^(NUMERIC|BIGNUMERIC|DECIMAL|BIGDECIMAL)(\(.*\))?$/;
const TEMPORAL = /^(DATE|DATETIME|TIME|TIMESTAMP)$/;
const UNITS: Record<string, string> = { hour: 'HOUR', day: 'DAY', week: 'ISOWEEK', month: 'MONTH', year: 'YEAR' };

/** Escapes shared by string literals and quoted identifiers (GoogleSQL lexical rules). */
function escape(s: string, quote: string): string {
  if (s.includes('\0')) throw new Error('NUL byte in a SQL literal or identifier');
  let out = '';
  for (const ch of s) {
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

export class BigQueryDialect implements Dialect {
  readonly name = 'bigquery';
  readonly identifierQuote = '`';
  readonly supportsSampling = true;
  // BigQuery inlines CTEs referenced twice (it has no materialisation hint to give).
  readonly inlineCte = '';

  quoteIdent(name: string): string {
    return `\`${escape(name, '`')}\``;
  }

  literal(value: string): string {
    return `'${escape(value, "'")}'`;
  }

  qualify(...parts: string[]): string {
    return parts.map((p) => this.quoteIdent(p)).join('.');
  }

  columnKind(type: string): ColumnKind {
    const t = type.toUpperCase().trim();
    if (INTEGER.test(t)) return 'integer';
    if (DECIMAL.test(t)) return 'decimal';
    if (t === 'FLOAT64' || t === 'FLOAT') return 'float';
    if (t === 'STRING' || /^STRING\(\d+\)$/.test(t)) return 'string';
    if (TEMPORAL.test(t)) return 'temporal';
    if (t === 'BOOL' || t === 'BOOLEAN') return 'boolean';
    return 'other';
  }

  countAll(): string {
    return 'COUNT(*)';
  }

  count(x: string): string {
    return `COUNT(${x})`;
  }

  extreme(fn: 'min' | 'max', x: string, kind: ColumnKind, type: string): string {
    const agg = `${fn.toUpperCase()}(${x})`;
    if (kind === 'float') return `${fn.toUpperCase()}(CAST(${x} AS FLOAT64))`;
    if (kind === 'temporal') return this.temporalText(agg, type);
    return kind === 'string' ? agg : `CAST(${agg} AS STRING)`;
  }

  /** Fixed-width ISO layouts (string order = time order); TIMESTAMP is an instant, rendered in UTC. */
  private temporalText(x: string, type: string): string {
    switch (type.toUpperCase()) {
      case 'DATE':
        return `FORMAT_DATE('%Y-%m-%d', ${x})`;
      case 'TIME':
        return `FORMAT_TIME('%H:%M:%E6S', ${x})`;
      case 'DATETIME':
        return `FORMAT_DATETIME('%Y-%m-%dT%H:%M:%E6S', ${x})`;
      default:
        return `FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', ${x}, 'UTC')`;
    }
  }

  /** SUM of INT64 errors on overflow and NUMERIC holds 29 integer digits: BIGNUMERIC (76 digits) keeps sums exact. */
  sum(x: string, kind: ColumnKind): string {
    if (kind === 'integer' || kind === 'decimal') return `CAST(SUM(CAST(${x} AS BIGNUMERIC)) AS STRING)`;
    return `SUM(CAST(${x} AS FLOAT64))`;
  }

  m2(x: string): string {
    return `VAR_POP(CAST(${x} AS FLOAT64)) * COUNT(${x})`;
  }

  length(fn: 'min' | 'max' | 'sum', x: string): string {
    return `${fn.toUpperCase()}(LENGTH(${x}))`;
  }

  /**
   * FARM_FINGERPRINT (signed INT64) of the value's JSON text: TO_JSON_STRING accepts every type, where
   * CAST(x AS STRING) fails on ARRAY/STRUCT and on BYTES that are not UTF-8. JSON of NULL is 'null', hence the CASE.
   */
  private hash64(x: string): string {
    return `CASE WHEN ${x} IS NULL THEN NULL ELSE FARM_FINGERPRINT(TO_JSON_STRING(${x})) END`;
  }

  hllRegisters(src: string, columns: string[], hasPartition: boolean): string {
    return bigqueryHllRegisters(src, columns.map((c) => this.hash64(c)), hasPartition);
  }

  /** ARRAY_AGG fails on NULL elements; the scan only aggregates non-null ordinals and register strings. */
  /** BigQuery refuses outer joins without a plain equality, so NULL keys meet through a sentinel. */
  nullSafeEquals(a: string, b: string): string {
    const k = (x: string) => `COALESCE(CAST(${x} AS STRING), '\\u0001baselinr-null')`;
    return `${k(a)} = ${k(b)}`;
  }

  listAgg(x: string, orderBy: string): string {
    return `ARRAY_AGG(${x} ORDER BY ${orderBy})`;
  }

  partitionText(x: string, granularity?: string): string {
    if (!granularity) return `CAST(${x} AS STRING)`;
    const unit = UNITS[granularity];
    if (!unit) throw new Error(`unknown granularity: ${granularity}`);
    // DATE and DATETIME cast to TIMESTAMP as UTC; buckets are UTC, like the planner's watermark arithmetic.
    return `FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%S', TIMESTAMP_TRUNC(CAST(${x} AS TIMESTAMP), ${unit}), 'UTC')`;
  }

  /**
   * A string literal, not `TIMESTAMP '…'`: GoogleSQL coerces a string literal to the compared column's type
   * (DATE, DATETIME or TIMESTAMP, as UTC), where a TIMESTAMP literal compared with a DATE column is a type error.
   * Midnight is written as a bare date, the one form that also coerces to DATE.
   */
  timestampLiteral(iso: string): string {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(iso)) throw new Error(`not a timestamp: ${iso}`);
    return this.literal(iso.endsWith('T00:00:00') ? iso.slice(0, 10) : iso.replace('T', ' '));
  }

  /** BigQuery accepts QUALIFY only next to WHERE, GROUP BY or HAVING, hence `WHERE TRUE` without a filter. */
  dedupe(relation: string, primaryKey: string[], ordering: string, filter?: string): string {
    const pk = primaryKey.map((k) => this.quoteIdent(k)).join(', ');
    const order = `${this.quoteIdent(ordering)} DESC NULLS LAST`;
    return `(SELECT * FROM ${relation} WHERE ${filter ? `(${filter})` : 'TRUE'} QUALIFY ROW_NUMBER() OVER (PARTITION BY ${pk} ORDER BY ${order}) = 1) AS __current`;
  }

  filtered(relation: string, filter: string): string {
    return `(SELECT * FROM ${relation} WHERE (${filter})) AS __filtered`;
  }

  /**
   * TABLESAMPLE SYSTEM reads (and bills) only a share of the table's blocks, but applies to tables only and takes
   * no seed. A derived relation (a partition scope, a dedupe) is sampled row by row with RAND() instead: still a
   * random sample, but it reads the whole scope.
   */
  sample(relation: string, fraction: number, _seed?: number): string {
    const f = Math.min(1, Math.max(0, fraction));
    if (relation.startsWith('(')) return `(SELECT * FROM ${relation} WHERE RAND() < ${f}) AS __sample`;
    return `(SELECT * FROM ${relation} TABLESAMPLE SYSTEM (${Number((f * 100).toFixed(6))} PERCENT)) AS __sample`;
  }
}

/**
 * HyperLogLog registers in GoogleSQL, bit-compatible with `src/profiler/hll.ts` (p = 12).
 *
 * FARM_FINGERPRINT is a signed INT64. `&` works on its two's-complement bits, so `h & 4095` is the bucket the JS
 * side reads from BigInt.asUintN(64, h). `>>` on a negative INT64 is masked right after the shift, so the 52 bits
 * kept are the same whether the shift sign-extends or not; a sentinel bit at 52 keeps w positive and non-zero.
 * rank = 1 + trailing zeros of w = BIT_COUNT(w ^ (w - 1)).
 */
const BUCKET_MASK = String(2 ** HLL_P - 1);
const W_MASK = ((1n << BigInt(HLL_Q)) - 1n).toString();
const SENTINEL = (1n << BigInt(HLL_Q)).toString();

/**
 * One scan unpivots every column's hash with UNNEST of an array of (ordinal, hash) structs; the packed register
 * token is bucket * 256 + rank printed as 5 lowercase hex digits (`bbbrr`).
 */
export function bigqueryHllRegisters(src: string, hashes: string[], hasPartition: boolean): string {
  const p = hasPartition ? '__p' : "''";
  const pairs = hashes.map((h, i) => `STRUCT(${i} AS c, ${h} AS h)`).join(',\n        ');
  return `SELECT __p, __c, STRING_AGG(FORMAT('%05x', __t), '' ORDER BY __t) AS __regs
FROM (
  SELECT __p, __c, __b * 256 + MAX(BIT_COUNT(__w ^ (__w - 1))) AS __t
  FROM (
    SELECT ${p} AS __p, __u.c AS __c, __u.h & ${BUCKET_MASK} AS __b,
      ((__u.h >> ${HLL_P}) & ${W_MASK}) | ${SENTINEL} AS __w
    FROM ${src}, UNNEST([
        ${pairs}
      ]) AS __u
    WHERE __u.h IS NOT NULL
  ) AS __buckets
  GROUP BY __p, __c, __b
) AS __registers
GROUP BY __p, __c`;
}
