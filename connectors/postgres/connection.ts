/**
 * pg connection settings shared by the source client and the Postgres state store. No `pg` import here: this
 * file only shapes plain options, so the config layer can use it without loading the driver.
 */
import type { PostgresConnectionConfig } from '../../src/config/index.js';

/**
 * Session settings every baselinr connection runs with. They make values rendered as text (HLL hashes of
 * `x::text`, temporal extremes, partition buckets) identical whatever the server or role defaults are, and
 * `standard_conforming_strings` keeps the dialect's `'…'` literals free of backslash escapes.
 */
const SESSION_SETTINGS: Record<string, string> = {
  TimeZone: 'UTC',
  DateStyle: 'ISO,YMD',
  IntervalStyle: 'postgres',
  extra_float_digits: '1',
  bytea_output: 'hex',
  standard_conforming_strings: 'on',
};

export interface PgOptions {
  connectionString?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  ssl?: boolean;
  statement_timeout?: number;
  application_name: string;
  options: string;
}

/** Options for `new pg.Pool()`; `readOnly` makes every transaction of the session read-only (a profiler only reads). */
export function pgOptions(cfg: PostgresConnectionConfig, opts: { readOnly?: boolean } = {}): PgOptions {
  const settings = { ...SESSION_SETTINGS, ...(opts.readOnly ? { default_transaction_read_only: 'on' } : {}) };
  let extra = '';
  let connectionString = cfg.url;
  if (connectionString) {
    // A URL's own `options=` would replace ours wholesale (pg lets URL parameters win): keep both, ours last.
    const url = safeUrl(connectionString);
    const own = url?.searchParams.get('options');
    if (url && own !== null && own !== undefined) {
      url.searchParams.delete('options');
      connectionString = url.toString();
      extra = `${own} `;
    }
  }
  const options = extra + Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(' ');
  return compact({
    connectionString,
    host: cfg.url ? undefined : cfg.host,
    port: cfg.url ? undefined : cfg.port,
    database: cfg.url ? undefined : cfg.database,
    user: cfg.url ? undefined : cfg.user,
    password: cfg.url ? undefined : cfg.password,
    ssl: cfg.ssl,
    statement_timeout: cfg.statementTimeoutMs,
    application_name: 'baselinr',
    options,
  });
}

/** Where a connection goes, for messages: user@host:port/database, never the password or the raw URL. */
export function describeTarget(cfg: PostgresConnectionConfig): string {
  if (cfg.url) {
    const url = safeUrl(cfg.url);
    if (!url) return 'postgres (url)';
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    return `postgres://${user}${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  }
  const user = cfg.user ? `${cfg.user}@` : '';
  return `postgres://${user}${cfg.host ?? 'localhost'}:${cfg.port ?? 5432}/${cfg.database ?? ''}`;
}

/** Secret strings of a connection config, to scrub from driver messages before they travel anywhere. */
export function connectionSecrets(cfg: PostgresConnectionConfig): string[] {
  const out = new Set<string>();
  if (cfg.password) out.add(cfg.password);
  if (cfg.url) {
    out.add(cfg.url);
    const url = safeUrl(cfg.url);
    if (url?.password) {
      out.add(url.password);
      out.add(decodeURIComponent(url.password));
    }
  }
  out.delete('');
  return [...out];
}

export function scrub(message: string, secrets: readonly string[]): string {
  // Longest first, so a URL is replaced whole before its password part is.
  return [...secrets].sort((a, b) => b.length - a.length).reduce((m, s) => m.split(s).join('***'), message);
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
