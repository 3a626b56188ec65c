/**
 * The one-scan query: every metric state of every column, for every partition, in one statement. Partition
 * states come from `GROUP BY __p` in the same scan (Deequ's scan sharing); HLL registers from the dialect's
 * sketch SQL over the same `src` relation (an unpivot of the column hashes, or one small GROUP BY per column), or
 * over each of the source's branches when it is a union of whole partitions and the dialect groups those apart.
 * Column aliases are positional (`c0`, `c1`, …) so hostile names never travel further than one quoted reference.
 */
import type { Dialect } from '../connectors/dialect.js';
import type { ColumnInfo, ScanSource } from '../connectors/types.js';

export interface ScanQueryOptions {
  /** Compute HLL registers (only when a distinct metric is requested: it is the costly part). */
  hll: boolean;
  /** Extra row filter (already rendered by the dialect). */
  where?: string;
}

export function alias(i: number, suffix?: string): string {
  return suffix ? `c${i}_${suffix}` : `c${i}`;
}

export function buildScanQuery(d: Dialect, source: ScanSource, columns: ColumnInfo[], opts: ScanQueryOptions): string {
  const q = (s: string) => d.quoteIdent(s);
  const part = source.partitionExpr ?? d.literal('');
  // A Map, not an object: columns named `__proto__` or `constructor` must not hit Object.prototype.
  const ref = (name: string) => source.columnExprs?.get(name) ?? q(name);
  const projected = [`${part} AS __p`, ...columns.map((c, i) => `${ref(c.name)} AS ${q(alias(i))}`)];
  const where = opts.where ? `\n  WHERE ${opts.where}` : '';
  const select = (from: string) => `SELECT ${projected.join(', ')}\n  FROM ${from}${where}`;
  const src = select(source.relation);

  const aggs = [`${d.countAll()} AS __rows`];
  columns.forEach((c, i) => {
    const x = q(alias(i));
    const as = (suffix: string) => q(alias(i, suffix));
    aggs.push(`${d.count(x)} AS ${as('n')}`);
    if (c.kind === 'integer' || c.kind === 'decimal' || c.kind === 'float') {
      aggs.push(`${d.extreme('min', x, c.kind, c.type)} AS ${as('min')}`);
      aggs.push(`${d.extreme('max', x, c.kind, c.type)} AS ${as('max')}`);
      aggs.push(`${d.sum(x, c.kind, c.type)} AS ${as('sum')}`);
      aggs.push(`${d.m2(x)} AS ${as('m2')}`);
    } else if (c.kind === 'string' || c.kind === 'temporal') {
      aggs.push(`${d.extreme('min', x, c.kind, c.type)} AS ${as('min')}`);
      aggs.push(`${d.extreme('max', x, c.kind, c.type)} AS ${as('max')}`);
      if (c.kind === 'string') {
        aggs.push(`${d.length('min', x)} AS ${as('lmin')}`);
        aggs.push(`${d.length('max', x)} AS ${as('lmax')}`);
        aggs.push(`${d.length('sum', x)} AS ${as('lsum')}`);
      }
    }
  });
  // With a label, rows are grouped by the raw key and each group's text is made once.
  const label = source.partitionLabel;
  const base = label
    ? `SELECT ${label('src.__p')} AS __p, ${aggs.join(',\n    ')}\n  FROM src GROUP BY src.__p`
    : `SELECT __p, ${aggs.join(',\n    ')}\n  FROM src GROUP BY __p`;
  if (!opts.hll || columns.length === 0) {
    return `WITH src AS (\n  ${src}\n),\nbase AS (\n  ${base}\n)\nSELECT * FROM base ORDER BY __p`;
  }
  const cols = columns.map((_, i) => q(alias(i)));
  const hll =
    source.branches?.length && d.hllRegistersUnion && !label
      ? d.hllRegistersUnion(source.branches.map((b) => `(${select(b)}) AS __b`), cols)
      : d.hllRegisters('src', cols, true);
  return `WITH src AS ${d.inlineCte ? `${d.inlineCte} ` : ''}(
  ${src}
),
base AS (
  ${base}
),
hll AS (
${hll}
),
hll_p AS (
  SELECT ${label ? `${label('hll.__p')} AS __p` : '__p'}, ${d.listAgg('__c', '__c')} AS __hc, ${d.listAgg('__regs', '__c')} AS __hr FROM hll GROUP BY ${label ? 'hll.__p' : '__p'}
)
SELECT base.*, hll_p.__hc, hll_p.__hr
FROM base LEFT JOIN hll_p ON ${d.nullSafeEquals('base.__p', 'hll_p.__p')}
ORDER BY base.__p`;
}
