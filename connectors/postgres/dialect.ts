/**
 * PostgreSQL SQL facts and emitters. Every session runs with TimeZone=UTC, DateStyle=ISO and
 * standard_conforming_strings=on (see `connection.ts`), which the text renderings below rely on.
 */
import type { Dialect } from '../../src/connectors/dialect.js';
import type { ColumnKind } from '../../src/profiler/state-types.js';
import { HLL_P } from '../../src/profiler/hll.js';

const INTEGER = new Set(['smallint', 'integer', 'bigint', 'int2', 'int4', 'int8']);
const FLOAT = new Set(['real', 'double precision', 'float4', 'float8']);
const STRING = new Set(['text', 'character varying', 'varchar', 'character', 'char', 'bpchar', 'citext', 'name']);
/** A plain (optionally schema-qualified) quoted relation name: the only FROM item TABLESAMPLE accepts. */
const BASE_RELATION = /^"(?:[^"]|"")*"(?:\."(?:[^"]|"")*")?$/;

export class PostgresDialect implements Dialect {
  readonly name = 'postgres';
  readonly identifierQuote = '"';
  readonly supportsSampling = true;
  readonly inlineCte = 'NOT MATERIALIZED';

  quoteIdent(name: string): string {
    if (name.includes('\0')) throw new Error('NUL byte in a SQL identifier');
    return `"${name.replaceAll('"', '""')}"`;
  }

  literal(value: string): string {
    if (value.includes('\0')) throw new Error('NUL byte in a SQL literal');
    return `'${value.replaceAll("'", "''")}'`;
  }

  qualify(...parts: string[]): string {
    return parts.map((p) => this.quoteIdent(p)).join('.');
  }

  /** From `format_type()` names: precision, array brackets and a schema qualifier (`public.citext`) decide. */
  columnKind(type: string): ColumnKind {
    const t = type.toLowerCase().trim();
    if (t.endsWith('[]')) return 'other';
    const bare = t.replace(/\(\s*\d+(\s*,\s*-?\d+)?\s*\)/, '').replace(/^"?[a-z_][a-z0-9_$]*"?\./, '').trim();
    if (INTEGER.has(bare)) return 'integer';
    if (bare === 'numeric' || bare === 'decimal') return 'decimal';
    if (FLOAT.has(bare)) return 'float';
    if (STRING.has(bare)) return 'string';
    if (bare === 'date' || bare.startsWith('timestamp')) return 'temporal';
    if (bare === 'time' || bare === 'time without time zone') return 'temporal';
    if (bare === 'boolean' || bare === 'bool') return 'boolean';
    return 'other';
  }

  countAll(): string {
    return 'count(*)';
  }

  count(x: string): string {
    return `count(${x})`;
  }

  extreme(fn: 'min' | 'max', x: string, kind: ColumnKind, type: string): string {
    if (kind === 'float') return `${fn}(${x}::float8)`;
    if (kind === 'temporal') return temporalText(`${fn}(${x})`, type);
    // COLLATE "C" is byte order, which for UTF-8 is the order the merge compares strings in. The cast first:
    // citext and char(n) compare by their own rules, not by bytes.
    if (kind === 'string') return `${fn}(${x}::text COLLATE "C")`;
    return `${fn}(${x})::text`;
  }

  sum(x: string, kind: ColumnKind): string {
    if (kind === 'integer' || kind === 'decimal') return `sum(${x})::numeric::text`;
    return `sum(${x}::float8)`;
  }

  m2(x: string): string {
    return `var_pop(${x}::float8) * count(${x})`;
  }

  length(fn: 'min' | 'max' | 'sum', x: string): string {
    return `${fn}(char_length(${x}::text))`;
  }

  private hash64(x: string): string {
    return `hashtextextended(${x}::text, 0)`;
  }

  hllRegisters(src: string, columns: string[], hasPartition: boolean): string {
    return packRegisters(this.registerRows(src, columns, hasPartition ? '__p' : "''::text"));
  }

  /**
   * Each branch is grouped into its registers before the UNION ALL. One grouping over every partition's
   * (column, bucket) keys outgrows work_mem and spills (5M rows × 12 columns in 100 children: 2.2M groups,
   * 1.9 GB of temp files, 44 s for the sketches); per child the keys fit in memory and the sketches take 29 s.
   * A partition's rows are all in one branch, so the registers are the same.
   */
  hllRegistersUnion(srcs: string[], columns: string[]): string {
    return packRegisters(srcs.map((src) => this.registerRows(src, columns, '__p')).join('\n  UNION ALL\n  '));
  }

  /**
   * One row per non-empty (partition, column, bucket): the bucket's largest lowest-set-bit.
   * bigint >> is arithmetic, so the shifted hash is masked back to its 52 bits before the sentinel bit is set.
   * rank = 1 + trailing zeros of w, and it grows with w's lowest set bit (w & -w): the per-row work is a max of
   * that bit, the rank is taken once per register. Column and bucket share one int key: a narrower grouping key
   * is cheaper.
   */
  private registerRows(src: string, columns: string[], p: string): string {
    const mask = 2 ** HLL_P - 1;
    const values = columns.map((c, i) => `(${i}, ${this.hash64(c)})`).join(', ');
    return `SELECT __p, __k, max(__w & -__w) AS __l
  FROM (
    SELECT ${p} AS __p, (__v.__c << ${HLL_P}) | (__v.__h & ${mask})::int AS __k, ((__v.__h >> ${HLL_P}) & ${LOW52}) | ${SENTINEL} AS __w
    FROM ${src} CROSS JOIN LATERAL (VALUES ${values}) AS __v(__c, __h)
    WHERE __v.__h IS NOT NULL
  ) AS __x
  GROUP BY __p, __k`;
  }

  nullSafeEquals(a: string, b: string): string {
    return `${a} IS NOT DISTINCT FROM ${b}`;
  }

  listAgg(x: string, orderBy: string): string {
    return `array_agg(${x} ORDER BY ${orderBy})`;
  }

  partitionText(x: string, granularity?: string): string {
    if (!granularity) return `${x}::text`;
    return `to_char(date_trunc(${this.literal(granularity)}, ${x}), 'YYYY-MM-DD"T"HH24:MI:SS')`;
  }

  timestampLiteral(iso: string): string {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(iso)) throw new Error(`not a timestamp: ${iso}`);
    return `TIMESTAMP ${this.literal(iso.replace('T', ' '))}`;
  }

  dedupe(relation: string, primaryKey: string[], ordering: string, filter?: string): string {
    // DISTINCT ON keeps the first row per key in ORDER BY order: Postgres' spelling of QUALIFY row_number() = 1.
    const where = filter ? ` WHERE (${filter})` : '';
    const pk = primaryKey.map((k) => this.quoteIdent(k)).join(', ');
    return `(SELECT DISTINCT ON (${pk}) * FROM ${relation}${where} ORDER BY ${pk}, ${this.quoteIdent(ordering)} DESC NULLS LAST) AS __current`;
  }

  filtered(relation: string, filter: string): string {
    return `(SELECT * FROM ${relation} WHERE (${filter})) AS __filtered`;
  }

  sample(relation: string, fraction: number, seed?: number): string {
    const f = Math.min(1, Math.max(0, fraction));
    if (BASE_RELATION.test(relation)) {
      const repeatable = seed === undefined ? '' : ` REPEATABLE (${Math.trunc(seed)})`;
      return `(SELECT * FROM ${relation} TABLESAMPLE BERNOULLI (${f * 100})${repeatable}) AS __sample`;
    }
    // TABLESAMPLE only takes a table, not a subquery (partition unions, dedupes): a per-row Bernoulli draw reads
    // the same pages BERNOULLI would, but a rerun does not repeat the same rows.
    return `(SELECT * FROM ${relation} WHERE random() < ${f}) AS __sample`;
  }
}

const LOW52 = (1n << 52n) - 1n;
const SENTINEL = 1n << 52n;

/** Register rows (`__p`, `__k` = column << p | bucket, `__l` = lowest set bit) packed into one token string per column. */
function packRegisters(rows: string): string {
  const mask = 2 ** HLL_P - 1;
  return `SELECT __p, __k >> ${HLL_P} AS __c,
  string_agg(lpad(to_hex(__k & ${mask}), 3, '0') || lpad(to_hex(bit_count((__l - 1)::bit(64)) + 1), 2, '0'), '' ORDER BY __k) AS __regs
FROM (
  ${rows}
) AS __y
GROUP BY __p, __k >> ${HLL_P}`;
}

/** Fixed-width ISO layouts, so string order is time order when states merge; timestamptz in UTC with `Z`. */
function temporalText(x: string, type: string): string {
  const t = type.toLowerCase();
  if (t === 'date') return `to_char(${x}, 'YYYY-MM-DD')`;
  if (t.startsWith('timestamp') && t.endsWith('with time zone') && !t.endsWith('without time zone')) {
    return `to_char(${x} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  }
  if (t.startsWith('timestamp')) return `to_char(${x}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
  return `to_char(${x}, 'HH24:MI:SS.US')`;
}
