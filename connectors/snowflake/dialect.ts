/**
 * Snowflake SQL facts and emitters. Unquoted identifiers fold to upper case in Snowflake, so every user name is
 * quoted exactly as the catalog spells it; baselinr's own aliases stay unquoted and come back upper-cased, which
 * the client folds back (see `client.ts`).
 */
import type { Dialect } from '../../src/connectors/dialect.js';
import type { ColumnKind } from '../../src/profiler/state-types.js';
import { snowflakeHllRegisters } from './hll-sql.js';

const INTEGER = /^(INT|INTEGER|BIGINT|SMALLINT|TINYINT|BYTEINT)$/;
const FIXED = /^(NUMBER|DECIMAL|NUMERIC)(?:\((\d+)(?:,\s*(\d+))?\))?$/;
const FLOAT = /^(FLOAT|FLOAT4|FLOAT8|DOUBLE|DOUBLE PRECISION|REAL)$/;
const STRING = /^(TEXT|STRING|VARCHAR|CHAR|CHARACTER|NCHAR|NVARCHAR|NVARCHAR2|CHAR VARYING|NCHAR VARYING)(\(\d+\))?$/;
const TEMPORAL = /^(DATE|TIME|DATETIME|TIMESTAMP|TIMESTAMP_NTZ|TIMESTAMP_LTZ|TIMESTAMP_TZ)(\(\d+\))?$/;

/** Fixed-width ISO layouts, so string order equals time order when states merge (same shapes as DuckDB's). */
const ISO_DATE = 'YYYY-MM-DD';
const ISO_TIME = 'HH24:MI:SS.FF6';
const ISO_TIMESTAMP = 'YYYY-MM-DD"T"HH24:MI:SS.FF6';

export class SnowflakeDialect implements Dialect {
  readonly name = 'snowflake';
  readonly identifierQuote = '"';
  readonly supportsSampling = true;
  // Snowflake has no NOT MATERIALIZED hint; its optimiser decides whether a CTE referenced twice is reused.
  readonly inlineCte = '';

  quoteIdent(name: string): string {
    if (name.includes('\0')) throw new Error('NUL byte in a SQL identifier');
    return `"${name.replaceAll('"', '""')}"`;
  }

  /** Backslash is an escape character inside Snowflake string constants, so it is doubled along with quotes. */
  literal(value: string): string {
    if (value.includes('\0')) throw new Error('NUL byte in a SQL literal');
    return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  }

  qualify(...parts: string[]): string {
    return parts.map((p) => this.quoteIdent(p)).join('.');
  }

  columnKind(type: string): ColumnKind {
    const t = type.toUpperCase().trim();
    if (INTEGER.test(t)) return 'integer';
    const fixed = FIXED.exec(t);
    // NUMBER without a scale is NUMBER(38,0) in Snowflake.
    if (fixed) return Number(fixed[3] ?? 0) === 0 ? 'integer' : 'decimal';
    if (FLOAT.test(t)) return 'float';
    if (STRING.test(t)) return 'string';
    if (TEMPORAL.test(t)) return 'temporal';
    if (t === 'BOOLEAN') return 'boolean';
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
    if (kind === 'float') return `${fn.toUpperCase()}(CAST(${x} AS DOUBLE))`;
    if (kind === 'temporal') return this.temporalText(agg, type);
    // Strings need no cast; TO_VARCHAR of a NUMBER is exact and exponent-free.
    return kind === 'string' ? agg : `TO_VARCHAR(${agg})`;
  }

  private temporalText(x: string, type: string): string {
    const t = type.toUpperCase();
    if (t.startsWith('DATE') && !t.startsWith('DATETIME')) return `TO_VARCHAR(${x}, '${ISO_DATE}')`;
    if (t.startsWith('TIME') && !t.startsWith('TIMESTAMP')) return `TO_VARCHAR(${x}, '${ISO_TIME}')`;
    // Zoned values are compared as instants, so they are reported as UTC instants.
    if (t.startsWith('TIMESTAMP_TZ') || t.startsWith('TIMESTAMP_LTZ')) {
      return `TO_VARCHAR(CONVERT_TIMEZONE('UTC', ${x}), '${ISO_TIMESTAMP}"Z"')`;
    }
    return `TO_VARCHAR(${x}, '${ISO_TIMESTAMP}')`;
  }

  sum(x: string, kind: ColumnKind): string {
    // NUMBER sums are exact up to 38 digits; the text form keeps them exact on the way to JS.
    if (kind === 'integer' || kind === 'decimal') return `TO_VARCHAR(SUM(${x}))`;
    return `SUM(CAST(${x} AS DOUBLE))`;
  }

  m2(x: string): string {
    return `VAR_POP(CAST(${x} AS DOUBLE)) * COUNT(${x})`;
  }

  length(fn: 'min' | 'max' | 'sum', x: string): string {
    return `${fn.toUpperCase()}(LENGTH(${x}))`;
  }

  /** HASH(NULL) is a value in Snowflake, so NULL is kept out explicitly. Signed 64-bit result. */
  private hash64(x: string): string {
    return `CASE WHEN ${x} IS NULL THEN NULL ELSE HASH(${x}) END`;
  }

  hllRegisters(src: string, columns: string[], hasPartition: boolean): string {
    return snowflakeHllRegisters(src, columns.map((c) => this.hash64(c)), hasPartition);
  }

  nullSafeEquals(a: string, b: string): string {
    return `${a} IS NOT DISTINCT FROM ${b}`;
  }

  listAgg(x: string, orderBy: string): string {
    return `ARRAY_AGG(${x}) WITHIN GROUP (ORDER BY ${orderBy})`;
  }

  partitionText(x: string, granularity?: string): string {
    if (!granularity) return `CAST(${x} AS VARCHAR)`;
    // Same text shape as DuckDB's buckets: 2025-01-31T00:00:00.
    return `TO_VARCHAR(CAST(DATE_TRUNC(${this.literal(granularity)}, ${x}) AS TIMESTAMP_NTZ), 'YYYY-MM-DD"T"HH24:MI:SS')`;
  }

  /** Typed as TIMESTAMP_NTZ; the client runs every statement with TIMEZONE = 'UTC', so zoned columns compare in UTC. */
  timestampLiteral(iso: string): string {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(iso)) throw new Error(`not a timestamp: ${iso}`);
    return `CAST(${this.literal(iso.replace('T', ' '))} AS TIMESTAMP_NTZ)`;
  }

  dedupe(relation: string, primaryKey: string[], ordering: string, filter?: string): string {
    const where = filter ? ` WHERE (${filter})` : '';
    const pk = primaryKey.map((k) => this.quoteIdent(k)).join(', ');
    const order = `${this.quoteIdent(ordering)} DESC NULLS LAST`;
    return `(SELECT * FROM ${relation}${where} QUALIFY ROW_NUMBER() OVER (PARTITION BY ${pk} ORDER BY ${order}) = 1) AS __current`;
  }

  filtered(relation: string, filter: string): string {
    return `(SELECT * FROM ${relation} WHERE (${filter})) AS __filtered`;
  }

  /**
   * BERNOULLI samples rows (never `LIMIT n`). TABLESAMPLE and REPEATABLE are Snowflake's synonyms of SAMPLE and
   * SEED, spelled so the SQL parser used in tests understands them. Snowflake rejects a seed on subqueries, so a
   * derived relation (a partition scope, a dedupe) is sampled without one.
   */
  sample(relation: string, fraction: number, seed?: number): string {
    const pct = Number(Math.min(100, Math.max(0, fraction * 100)).toFixed(6));
    const seeded = seed !== undefined && !relation.startsWith('(');
    const s = seeded ? ` REPEATABLE (${Math.trunc(Math.abs(seed)) % 2147483648})` : '';
    return `(SELECT * FROM ${relation} TABLESAMPLE BERNOULLI (${pct})${s}) AS __sample`;
  }
}
