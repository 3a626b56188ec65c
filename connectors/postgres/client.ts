/** The only file of the source connector that imports `pg` (loaded lazily). Values are normalised here, once. */
import type { PostgresConnectionConfig } from '../../src/config/index.js';
import type { QueryLogEntry, QueryOptions, Row, WarehouseClient } from '../../src/connectors/types.js';
import { logged } from '../../src/connectors/query-log.js';
import { connectionSecrets, describeTarget, pgOptions, scrub } from './connection.js';

type Pool = import('pg').Pool;
type PoolClient = import('pg').PoolClient;
type PgModule = typeof import('pg');

// Type OIDs (pg_type.oid, stable across versions).
const INT8 = 20;
const INT8_ARRAY = 1016;
const RAW_TEXT = [1082, 1083, 1114, 1184, 1266]; // date, time, timestamp, timestamptz, timetz

export class PostgresClient implements WarehouseClient {
  readonly queryLog: QueryLogEntry[] = [];

  private constructor(
    private readonly pg: PgModule,
    private readonly pool: Pool,
    private readonly cfg: PostgresConnectionConfig,
    private readonly secrets: string[],
  ) {}

  static async open(cfg: PostgresConnectionConfig, opts: { maxConnections?: number } = {}): Promise<PostgresClient> {
    const mod = (await import('pg')) as PgModule & { default?: PgModule };
    const pg = mod.default ?? mod;
    const defaults = pg.types;
    const types = {
      getTypeParser: ((oid: number, format?: string) => {
        if (oid === INT8) return normaliseInt8;
        if (oid === INT8_ARRAY) {
          const parse = (defaults.getTypeParser as (oid: number, f: 'text') => unknown)(INT8_ARRAY, 'text') as (v: string) => Array<string | null>;
          return (v: string) => parse(v).map((x) => (x === null ? null : normaliseInt8(x)));
        }
        // pg would build JS Dates in the process' local zone (and drop microseconds): keep the server's text.
        if (RAW_TEXT.includes(oid)) return (v: string) => v;
        return (defaults.getTypeParser as (oid: number, f?: string) => unknown)(oid, format);
      }) as typeof defaults.getTypeParser,
    };
    const pool = new pg.Pool({ ...pgOptions(cfg, { readOnly: true }), types, max: opts.maxConnections ?? 4 });
    const secrets = connectionSecrets(cfg);
    // An idle client's network error is emitted on the pool; without a listener it would crash the process.
    pool.on('error', () => undefined);
    return new PostgresClient(pg, pool, cfg, secrets);
  }

  query(sql: string, opts: QueryOptions): Promise<Row[]> {
    return logged(this.queryLog, sql, opts, () => this.run(sql, opts.signal));
  }

  private async run(sql: string, signal?: AbortSignal): Promise<Row[]> {
    signal?.throwIfAborted();
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.error(err, `cannot connect to ${describeTarget(this.cfg)}`);
    }
    let cancelling: Promise<void> | undefined;
    const onAbort = () => {
      cancelling = this.cancel((client as unknown as { processID: number }).processID);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Aborted while waiting for a connection: nothing runs yet, so nothing needs cancelling.
      signal?.throwIfAborted();
      const result = await client.query(sql);
      return result.rows as Row[];
    } catch (err) {
      if (signal?.aborted) throw new Error('query cancelled', { cause: signal.reason });
      throw this.error(err);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (cancelling) {
        // The cancel may land after the query ended: the connection is discarded, never reused by another query.
        await cancelling;
        client.release(true);
      } else {
        client.release();
      }
    }
  }

  /** pg_cancel_backend from a separate short-lived connection: the pool may have no free connection left. */
  private async cancel(pid: number): Promise<void> {
    const c = new this.pg.Client(pgOptions(this.cfg));
    try {
      await c.connect();
      await c.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // Best effort: the statement timeout still bounds a query whose cancel failed.
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  private error(err: unknown, prefix?: string): Error {
    const e = err as { message?: string; code?: string };
    const text = scrub(e?.message ?? String(err), this.secrets);
    const out = new Error(prefix ? `${prefix}: ${text}` : text) as Error & { code?: string };
    if (e?.code) out.code = e.code;
    return out;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Same rule as the DuckDB client: safe integers as numbers, anything larger as its exact decimal string. */
export function normaliseInt8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text).toString();
}
