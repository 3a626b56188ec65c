/**
 * A local HTTP server on 127.0.0.1 speaking the BigQuery v2 REST endpoints @google-cloud/bigquery uses:
 * jobs.query (POST …/queries), jobs.insert (POST …/jobs, dry runs included), getQueryResults
 * (GET …/queries/{jobId}, with a pending first poll and page tokens) and jobs.cancel. Every request must carry a
 * bearer token the test accepts. Catalog statements are answered by a test-supplied function; the one-scan query
 * is computed over the fake's tables, restricted to the partitions its WHERE selects (see fake-bigquery-data.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BigQueryFixture, BigQueryField } from './fake-client.js';
import { computeScan, projection, type FakeTable, type ScanOutput } from './fake-warehouse.js';
import { scopeFilter } from './fake-bigquery-data.js';

export interface FakeBigQueryOptions {
  project: string;
  /** Accepts or refuses the Authorization header of each request. */
  authorize: (header: string | undefined) => boolean;
  catalog: (sql: string) => BigQueryFixture;
  /** Tables by the relation text the scan names, e.g. `acme`.`analytics`.`events`. */
  tables: Record<string, FakeTable>;
  /** Logical bytes of one row, for dry-run byte counts. */
  rowBytes: number;
  /** Rows per getQueryResults page (default: all). */
  pageSize?: number;
  /** Jobs whose SQL matches stay running until cancelled (to test interruption). */
  hold?: (sql: string) => boolean;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

interface Job {
  fixture: BigQueryFixture;
  polls: number;
  held: boolean;
  cancelled: boolean;
}

export async function startFakeBigQuery(opts: FakeBigQueryOptions) {
  const requests: ReceivedRequest[] = [];
  const jobs = new Map<string, Job>();
  const base = `/bigquery/v2/projects/${opts.project}`;
  let seq = 0;

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      requests.push({ method: req.method ?? '', path: url.pathname, body });
      if (!opts.authorize(req.headers.authorization)) return send(res, 401, apiError(401, 'Request had invalid authentication credentials.'));
      try {
        route(req.method ?? '', url, body, res);
      } catch (err) {
        send(res, 400, apiError(400, (err as Error).message));
      }
    });
  });

  function route(method: string, url: URL, body: Record<string, unknown>, res: ServerResponse): void {
    const jobRef = (id: string) => ({ projectId: opts.project, jobId: id, location: String(body.location ?? url.searchParams.get('location') ?? 'EU') });
    if (method === 'POST' && url.pathname === `${base}/queries`) {
      const id = `fast-${++seq}`;
      return send(res, 200, { kind: 'bigquery#queryResponse', jobReference: jobRef(id), jobComplete: true, cacheHit: false, ...page(answer(String(body.query)), undefined) });
    }
    if (method === 'POST' && url.pathname === `${base}/jobs`) {
      const config = body.configuration as { query: { query: string }; dryRun?: boolean };
      const ref = body.jobReference as { jobId: string; location?: string };
      if (config.dryRun) {
        const bytes = String(dryRunBytes(config.query.query));
        return send(res, 200, { kind: 'bigquery#job', jobReference: ref, configuration: config, status: { state: 'DONE' },
          statistics: { totalBytesProcessed: bytes, query: { totalBytesProcessed: bytes, totalBytesBilled: '0' } } });
      }
      jobs.set(ref.jobId, { fixture: answer(config.query.query), polls: 0, held: opts.hold?.(config.query.query) ?? false, cancelled: false });
      return send(res, 200, { kind: 'bigquery#job', jobReference: ref, configuration: config, status: { state: 'RUNNING' } });
    }
    const results = new RegExp(`^${base}/queries/([^/]+)$`).exec(url.pathname);
    if (method === 'GET' && results) {
      const job = jobs.get(results[1]);
      if (!job) return send(res, 404, apiError(404, `Not found: Job ${results[1]}`));
      if (job.cancelled) return send(res, 400, apiError(400, 'Job execution was cancelled: User requested cancellation'));
      // The first poll reports the job still running, as a real scan would; a held job runs until cancelled.
      if (job.polls++ === 0 || job.held) return send(res, 200, { kind: 'bigquery#getQueryResultsResponse', jobReference: jobRef(results[1]), jobComplete: false });
      return send(res, 200, { kind: 'bigquery#getQueryResultsResponse', jobReference: jobRef(results[1]), jobComplete: true,
        ...page(job.fixture, url.searchParams.get('pageToken') ?? undefined) });
    }
    const cancel = new RegExp(`^${base}/jobs/([^/]+)/cancel$`).exec(url.pathname);
    if (method === 'POST' && cancel) {
      const job = jobs.get(cancel[1]);
      if (job) job.cancelled = true;
    }
    if (method === 'POST' && cancel) return send(res, 200, { kind: 'bigquery#jobCancelResponse', job: { jobReference: jobRef(cancel[1]) } });
    send(res, 404, apiError(404, `fake BigQuery: no route for ${method} ${url.pathname}`));
  }

  function page(fixture: BigQueryFixture, token: string | undefined) {
    const start = token ? Number(token) : 0;
    const size = opts.pageSize ?? fixture.rows.length;
    const rows = fixture.rows.slice(start, start + size);
    const next = start + size < fixture.rows.length ? { pageToken: String(start + size) } : {};
    return { schema: fixture.schema, totalRows: String(fixture.rows.length), rows: rows.map((r) => encodeRow(fixture.schema.fields, r)), ...next };
  }

  function answer(sql: string): BigQueryFixture {
    if (!sql.startsWith('WITH src AS')) return opts.catalog(sql);
    const { table, selected } = scanTarget(sql);
    const mapping = projection(sql, /`((?:[^`\\]|\\.)*)`/, (s) => s.replace(/\\(.)/g, '$1'));
    return toFixture(computeScan(table, sql, mapping, selected), table, mapping);
  }

  function scanTarget(sql: string) {
    const relation = /FROM (`[^`]+`\.`[^`]+`\.`(?:[^`\\]|\\.)+`)/.exec(sql)?.[1];
    const table = relation ? opts.tables[relation] : undefined;
    if (!table) throw new Error(`Not found: Table ${relation ?? '?'}`);
    return { table, selected: scopeFilter(sql) };
  }

  function dryRunBytes(sql: string): number {
    const { table, selected } = scanTarget(sql);
    return table.rows.filter(selected).length * opts.rowBytes;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function toFixture(out: ScanOutput[], table: FakeTable, mapping: Array<{ column: string; alias: string }>): BigQueryFixture {
  const aliases = Object.keys(out[0]?.values ?? {});
  const typeOf = (alias: string): string => {
    const suffix = alias.slice(alias.indexOf('_') + 1);
    if (['n', 'lmin', 'lmax', 'lsum'].includes(suffix)) return 'INTEGER';
    if (suffix === 'mean' || suffix === 'm2') return 'FLOAT';
    const column = mapping.find((m) => m.alias === alias.slice(0, alias.indexOf('_')))?.column;
    return table.columns.find((c) => c.name === column)?.kind === 'float' ? 'FLOAT' : 'STRING';
  };
  const fields: BigQueryField[] = [
    { name: '__p', type: 'STRING' }, { name: '__rows', type: 'INTEGER' },
    ...aliases.map((name) => ({ name, type: typeOf(name) })),
    { name: '__hc', type: 'INTEGER', mode: 'REPEATED' }, { name: '__hr', type: 'STRING', mode: 'REPEATED' },
  ];
  const rows = out.map((o) => ({ __p: o.p, __rows: o.rows, ...o.values, __hc: o.hc ?? [], __hr: o.hr ?? [] }));
  return { schema: { fields }, rows };
}

/** REST row encoding: {f: [{v}]}, scalars as strings, REPEATED as [{v}], RECORD as {f: …}. */
export function encodeRow(fields: BigQueryField[], row: Record<string, unknown>): { f: Array<{ v: unknown }> } {
  const cell = (field: BigQueryField, v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    if (field.type === 'RECORD') return encodeRow(field.fields ?? [], v as Record<string, unknown>);
    return String(v);
  };
  return {
    f: fields.map((field) => {
      const v = row[field.name];
      if (field.mode === 'REPEATED') return { v: ((v as unknown[] | null) ?? []).map((x) => ({ v: cell(field, x) })) };
      return { v: cell(field, v) };
    }),
  };
}

function apiError(code: number, message: string) {
  return { error: { code, message, errors: [{ message, domain: 'global', reason: code === 401 ? 'unauthorized' : 'invalid' }], status: 'INVALID_ARGUMENT' } };
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}
