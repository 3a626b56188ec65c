/** Shared timing + logging wrapper so every client records queries the same way. */
import type { QueryLogEntry, QueryOptions, Row } from './types.js';

export async function logged(
  log: QueryLogEntry[],
  sql: string,
  opts: QueryOptions,
  run: () => Promise<Row[]>,
): Promise<Row[]> {
  const started = Date.now();
  const entry: QueryLogEntry = {
    sql,
    kind: opts.kind,
    table: opts.table,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    rows: 0,
  };
  log.push(entry);
  try {
    const rows = await run();
    entry.rows = rows.length;
    return rows;
  } catch (err) {
    entry.error = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    entry.durationMs = Date.now() - started;
  }
}

export function dataScans(log: readonly QueryLogEntry[]): QueryLogEntry[] {
  return log.filter((e) => e.kind === 'data');
}
