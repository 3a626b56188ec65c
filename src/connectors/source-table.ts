/** Pieces every connector shares: tables found by discovery, and single snapshots served by the batch form. */
import type { TableConfig } from '../config/index.js';
import type { SourceTable, TableSnapshot } from './types.js';

/** A table the source lists when none are configured: profiled whole, with the default (snapshot) contract. */
export function discoveredTable(schema: unknown, table: unknown): SourceTable {
  const s = String(schema);
  const t = String(table);
  const name = `${s}.${t}`;
  return { name, config: { name, kind: 'table', schema: s, table: t, contract: { kind: 'snapshot' } } as TableConfig };
}

/** One table's entry from a `snapshotAll` result, thrown as the error `snapshot` would have thrown. */
export function snapshotOf(batch: Map<string, TableSnapshot | Error>, table: SourceTable): TableSnapshot {
  const found = batch.get(table.name);
  if (found instanceof Error) throw found;
  if (!found) throw new Error(`no metadata returned for ${table.name}`);
  return found;
}
