/** The only file that imports the DuckDB SDK. Values are normalised here, once. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { QueryLogEntry, QueryOptions, Row, WarehouseClient } from '../../src/connectors/types.js';
import { logged } from '../../src/connectors/query-log.js';

type DuckDBConnection = import('@duckdb/node-api').DuckDBConnection;
type DuckDBInstance = import('@duckdb/node-api').DuckDBInstance;

export class DuckDBClient implements WarehouseClient {
  readonly queryLog: QueryLogEntry[] = [];
  /** One DuckDB connection runs one statement at a time: callers queue here (DuckDB parallelises inside a query). */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  static async open(path: string, opts: { threads?: number; readOnly?: boolean } = {}): Promise<DuckDBClient> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    if (path !== ':memory:' && !opts.readOnly) mkdirSync(dirname(path), { recursive: true });
    // No TimeZone option: it needs the ICU extension, which is not bundled and cannot be downloaded here.
    // Without ICU, DuckDB renders TIMESTAMPTZ in UTC, which is what the temporal extremes need.
    const options: Record<string, string> = {};
    if (opts.threads) options.threads = String(opts.threads);
    if (opts.readOnly && path !== ':memory:') options.access_mode = 'READ_ONLY';
    const instance = await DuckDBInstance.create(path, options);
    const conn = await instance.connect();
    return new DuckDBClient(instance, conn);
  }

  query(sql: string, opts: QueryOptions): Promise<Row[]> {
    const result = this.tail.then(() => this.run(sql, opts));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private run(sql: string, opts: QueryOptions): Promise<Row[]> {
    return logged(this.queryLog, sql, opts, async () => {
      const onAbort = () => this.conn.interrupt();
      opts.signal?.throwIfAborted();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const reader = await this.conn.runAndReadAll(sql);
        return reader.getRowObjectsJS().map(normaliseRow);
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  /** Runs statements that return nothing (demo data, tests). */
  async exec(sql: string): Promise<void> {
    await logged(this.queryLog, sql, { kind: 'ddl' }, async () => {
      await this.conn.run(sql);
      return [];
    });
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

function normaliseRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = normaliseValue(v);
  return out;
}

export function normaliseValue(v: unknown): unknown {
  if (typeof v === 'bigint') {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (Array.isArray(v)) return v.map(normaliseValue);
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = normaliseValue(x);
      return out;
    }
    return String(v);
  }
  return v;
}
