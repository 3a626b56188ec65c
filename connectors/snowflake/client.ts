/** The only file that imports snowflake-sdk (loaded lazily). Values are normalised here, once. */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SnowflakeSourceConfig } from '../../src/config/types.js';
import type { QueryLogEntry, QueryOptions, Row, WarehouseClient } from '../../src/connectors/types.js';
import { logged } from '../../src/connectors/query-log.js';

type Connection = import('snowflake-sdk').Connection;
type Column = import('snowflake-sdk').Column;

const SESSION = { TIMEZONE: 'UTC', WEEK_START: 1 };

/** A simple identifier Snowflake reported in its folded (upper-case) form. */
const FOLDED = /^[A-Z_][A-Z0-9_$]*$/;

export class SnowflakeClient implements WarehouseClient {
  readonly queryLog: QueryLogEntry[] = [];

  private constructor(private readonly conn: Connection) {}

  static async open(cfg: SnowflakeSourceConfig): Promise<SnowflakeClient> {
    const { default: snowflake } = await import('snowflake-sdk');
    // The SDK logs to its own sinks; errors reach us through callbacks, so its logger stays off.
    snowflake.configure({ logLevel: 'OFF' });
    const conn = snowflake.createConnection({
      account: cfg.account,
      username: cfg.user,
      ...credentials(cfg),
      warehouse: cfg.warehouse,
      database: cfg.database,
      schema: cfg.schema,
      role: cfg.role,
      ...(cfg.accessUrl ? { accessUrl: cfg.accessUrl } : {}),
      application: 'baselinr',
      // The SDK's default turns SQL NULL into the string 'NULL' when values are fetched as strings.
      representNullAsStringNull: false,
    });
    // connectAsync() resolves even when the login is refused (the error only reaches its callback), so the
    // callback form is what tells success from failure.
    await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
    return new SnowflakeClient(conn);
  }

  query(sql: string, opts: QueryOptions): Promise<Row[]> {
    return logged(this.queryLog, sql, opts, () => this.run(sql, opts.signal));
  }

  /**
   * An abort cancels the statement server-side (abort-request) and rejects at once with the abort reason; the
   * SDK's later completion callback then finds the promise settled.
   */
  private run(sql: string, signal?: AbortSignal): Promise<Row[]> {
    signal?.throwIfAborted();
    return new Promise<Row[]>((resolve, reject) => {
      const onAbort = () => {
        stmt.cancel(() => undefined);
        reject(signal?.reason);
      };
      const stmt = this.conn.execute({
        sqlText: sql,
        // Numbers and dates as text, so nothing passes through a double or a session-formatted Date.
        fetchAsString: ['Number', 'Date'],
        rowMode: 'array',
        // Zoned values and timestamp literals are read in UTC, and weeks start on Monday as the planner assumes.
        parameters: SESSION,
        complete: (err, statement, rows) => {
          signal?.removeEventListener('abort', onAbort);
          if (err) return reject(err);
          try {
            resolve(toRows(statement.getColumns() ?? [], (rows ?? []) as unknown[][]));
          } catch (e) {
            reject(e);
          }
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async close(): Promise<void> {
    if (!this.conn.isUp()) return;
    await new Promise<void>((resolve) => this.conn.destroy(() => resolve()));
  }
}

function credentials(cfg: SnowflakeSourceConfig): Record<string, string> {
  if (!cfg.privateKeyPath) return { password: cfg.password ?? '' };
  // Decrypted here so a wrong passphrase or an unreadable file fails before any network call, with a clear error.
  let pem: string;
  try {
    const key = createPrivateKey({ key: readFileSync(cfg.privateKeyPath), format: 'pem', passphrase: cfg.privateKeyPassphrase });
    pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot load the Snowflake private key ${cfg.privateKeyPath}: ${why}`);
  }
  return { authenticator: 'SNOWFLAKE_JWT', privateKey: pem };
}

function toRows(columns: Column[], rows: unknown[][]): Row[] {
  const names = columns.map((c) => (FOLDED.test(c.getName()) ? c.getName().toLowerCase() : c.getName()));
  return rows.map((values) => {
    const entries = columns.map((c, i) => [names[i], normaliseValue(values[i], c.getType(), c.getScale())] as const);
    // fromEntries, not assignment: a column named `__proto__` must stay an ordinary key.
    return Object.fromEntries(entries);
  });
}

/** NUMBER(p,0) → number when safe else decimal string; NUMBER(p,s) → decimal string; FLOAT → number. */
export function normaliseValue(v: unknown, type: string, scale: number | null | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (type === 'fixed' && typeof v === 'string') {
    if ((scale ?? 0) > 0) return v;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  if (type === 'real' && typeof v === 'string') {
    // Snowflake spells non-finite floats as inf / -inf / NaN.
    if (v === 'inf') return Infinity;
    if (v === '-inf') return -Infinity;
    return Number(v);
  }
  return v;
}
