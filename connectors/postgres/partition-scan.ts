/**
 * The FROM item for scanning some partitions of a declaratively partitioned table.
 *
 * Postgres does not prune partitions on a `tableoid` filter (verified on 15: `WHERE tableoid = 'c'::regclass`
 * still plans a Seq Scan of every child), so a partial run names the children it wants: a UNION ALL with one
 * branch per child, each tagging its rows with the partition id as a literal. That plans as one Append over
 * exactly those children, and the rows group by partition without a join.
 *
 * Reading a child directly needs SELECT on the child itself (a grant on the parent does not cover it). When a
 * child is not readable the scan goes through the parent instead, which checks the parent's privilege only, and
 * selects the children by tableoid: correct, though it reads every child.
 *
 * The union's children are also handed out as `branches`, so the sketches can be grouped per child
 * (`hllRegistersUnion`): no spill to temp files, but Postgres keeps each finished grouping's memory until the
 * statement ends, so the branches are offered only while their worst case fits the memory budget.
 */
import type { ColumnInfo, ScanSource } from '../../src/connectors/types.js';
import type { LeafRef } from './detector.js';
import type { PostgresDialect } from './dialect.js';
import { HLL_M } from '../../src/profiler/hll.js';

export const DEFAULT_SKETCH_MEMORY_MB = 1024;
/**
 * Server memory per (partition, column, bucket) group of a hash aggregate: measured 130 bytes (2.2M groups held
 * 280 MB more than one spilling grouping, PG 15).
 */
const BYTES_PER_GROUP = 130;

/** The most memory per-child sketch grouping can hold: every column of every child filling all its buckets. */
export function sketchGroupingBytes(children: number, columns: number): number {
  return children * columns * HLL_M * BYTES_PER_GROUP;
}

export function partitionedRelation(
  d: PostgresDialect,
  parent: string,
  columns: ColumnInfo[],
  refs: Array<{ id: string; ref: LeafRef }>,
  sketchMemoryBytes: number,
): ScanSource {
  const tag = tagColumn(columns);
  const cols = columns.map((c) => `, ${d.quoteIdent(c.name)}`).join('');
  const alias = d.quoteIdent(`${tag}_src`);
  let body: string;
  let branches: string[] | undefined;
  // Rows are tagged with the partition's position in `refs`, not its name: grouping on an int is cheaper than
  // on text, and the HLL registers are grouped per partition, column and bucket.
  if (refs.length === 0) {
    // Nothing to scan (a partial run that only drops partitions): zero rows of the right shape.
    body = `SELECT NULL::int AS ${d.quoteIdent(tag)}${cols} FROM ${parent} WHERE false`;
  } else if (refs.every((r) => r.ref.readable)) {
    const selects = refs.map((r, i) => `SELECT ${i} AS ${d.quoteIdent(tag)}${cols} FROM ${d.qualify(r.ref.schema, r.ref.name)}`);
    body = selects.join('\n    UNION ALL ');
    if (sketchGroupingBytes(refs.length, columns.length) <= sketchMemoryBytes) branches = selects.map((s) => `(${s}) AS ${alias}`);
  } else {
    const oid = (r: LeafRef) => `${d.literal(d.qualify(r.schema, r.name))}::regclass`;
    const cases = refs.map((r, i) => `WHEN ${oid(r.ref)} THEN ${i}`).join(' ');
    const wanted = refs.map((r) => oid(r.ref)).join(', ');
    body = `SELECT CASE tableoid ${cases} END AS ${d.quoteIdent(tag)}${cols} FROM ${parent} WHERE tableoid IN (${wanted})`;
  }
  return {
    relation: `(${body}) AS ${alias}`,
    branches,
    partitionExpr: d.quoteIdent(tag),
    partitionId: (v) => {
      const ref = v === null ? undefined : refs[Number(v)];
      if (!ref) throw new Error(`scan returned an unknown partition tag ${String(v)}`);
      return ref.id;
    },
  };
}

/** A column name for the partition tag that no user column has. */
function tagColumn(columns: ColumnInfo[]): string {
  const names = new Set(columns.map((c) => c.name));
  let tag = '__baselinr_partition';
  while (names.has(tag)) tag = `_${tag}`;
  return tag;
}
