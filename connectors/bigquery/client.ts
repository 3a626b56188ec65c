/**
 * The only file that imports @google-cloud/bigquery (loaded lazily). Values are normalised here, once.
 *
 * Metadata reads use the stateless jobs.query fast path. Data scans are created as jobs (jobs.insert) and read
 * with getQueryResults, because a job id known up front is what lets an interrupted run cancel the scan.
 */
import type { BigquerySourceConfig } from '../../src/config/types.js';
import type { QueryLogEntry, QueryOptions, Row, WarehouseClient } from '../../src/connectors/types.js';
import { logged } from '../../src/connectors/query-log.js';

type BigQuery = import('@google-cloud/bigquery').BigQuery;
type BigQueryOptions = import('@google-cloud/bigquery').BigQueryOptions;

export interface BigQueryClientOptions {
  /** An explicit google-auth-library client (tests pass one so nothing calls the metadata server). */
  authClient?: BigQueryOptions['authClient'];
}

/** INT64 arrives as a decimal string: a number when exactly representable, else the string. */
const INTEGERS = {
  integerTypeCastFunction: (s: string): number | string => {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : s;
  },
};

export class BigQueryClient implements WarehouseClient {
  readonly queryLog: QueryLogEntry[] = [];

  private constructor(
    private readonly bq: BigQuery,
    private readonly location: string | undefined,
  ) {}

  static async open(cfg: BigquerySourceConfig, opts: BigQueryClientOptions = {}): Promise<BigQueryClient> {
    const { BigQuery } = await import('@google-cloud/bigquery');
    const bq = new BigQuery({
      projectId: cfg.projectId,
      ...(cfg.location ? { location: cfg.location } : {}),
      ...(cfg.keyFile ? { keyFilename: cfg.keyFile } : {}),
      ...(cfg.apiEndpoint ? { apiEndpoint: cfg.apiEndpoint } : {}),
      ...(opts.authClient ? { authClient: opts.authClient } : {}),
      userAgent: 'baselinr',
    });
    return new BigQueryClient(bq, cfg.location);
  }

  query(sql: string, opts: QueryOptions): Promise<Row[]> {
    return logged(this.queryLog, sql, opts, async () => {
      opts.signal?.throwIfAborted();
      const rows = opts.kind === 'data' ? await this.runJob(sql, opts.signal) : await this.runStateless(sql);
      return rows.map(normaliseRow);
    });
  }

  /** Bytes the query would process, from a dry run: compiled and priced, nothing read, nothing billed. */
  async dryRun(sql: string, table?: string): Promise<number> {
    let bytes = 0;
    await logged(this.queryLog, sql, { kind: 'metadata', table }, async () => {
      const [, response] = await this.bq.createQueryJob({ query: sql, dryRun: true, useLegacySql: false, location: this.location });
      const stats = (response as { statistics?: { totalBytesProcessed?: string | number } } | undefined)?.statistics;
      bytes = Number(stats?.totalBytesProcessed);
      if (!Number.isFinite(bytes)) throw new Error('dry run returned no totalBytesProcessed');
      return [];
    });
    return bytes;
  }

  private async runStateless(sql: string): Promise<Record<string, unknown>[]> {
    const [rows] = await this.bq.query({ query: sql, useLegacySql: false, location: this.location, wrapIntegers: INTEGERS });
    return rows as Record<string, unknown>[];
  }

  /** An abort cancels the job (jobs.cancel) and rejects at once; the SDK's polling ends when the job does. */
  private async runJob(sql: string, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    const [job] = await this.bq.createQueryJob({ query: sql, useLegacySql: false, location: this.location });
    const results = job.getQueryResults({ wrapIntegers: INTEGERS }).then(([rows]) => rows as Record<string, unknown>[]);
    if (!signal) return results;
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        void job.cancel().catch(() => undefined);
        reject(signal.reason);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    results.catch(() => undefined);
    try {
      return await Promise.race([results, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    // The SDK holds no connection to close: every call is an HTTPS request.
  }
}

function normaliseRow(row: Record<string, unknown>): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, normaliseValue(v)]));
}

/**
 * NUMERIC/BIGNUMERIC (Big.js) → exponent-free decimal string; DATE/DATETIME/TIME/TIMESTAMP/GEOGRAPHY wrappers →
 * their `value` text; arrays and structs recursively; BYTES stay bytes.
 */
export function normaliseValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(normaliseValue);
  if (typeof v !== 'object' || v instanceof Uint8Array) return v;
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    // fromEntries, not assignment: a field named `__proto__` must stay an ordinary key.
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normaliseValue(x)]));
  }
  if ((v as object).constructor?.name === 'Big') return (v as { toFixed(): string }).toFixed();
  const inner = (v as { value?: unknown }).value;
  return typeof inner === 'string' ? inner : String(v);
}
