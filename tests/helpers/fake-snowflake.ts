/**
 * A local HTTP server on 127.0.0.1 speaking the endpoints snowflake-sdk uses: POST /session/v1/login-request
 * (password or key-pair JWT, verified), POST /queries/v1/query-request (session token required), telemetry and
 * session deletion. Catalog and EXPLAIN statements are answered from recorded-shape payloads; the one-scan query
 * is answered by computing it over the fake's tables (fake-warehouse.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { verify, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { SnowflakeWire } from './fake-client.js';
import { computeScan, projection, type FakeTable, type ScanOutput } from './fake-warehouse.js';

export interface FakeSnowflakeOptions {
  account: string;
  user: string;
  password?: string;
  /** Key-pair auth: the JWT in the login request must verify with this key. */
  publicKey?: KeyObject;
  catalog: () => SnowflakeWire;
  /** Tables by the relation text the scan names, e.g. `"PUBLIC"."EVENTS"`. */
  tables: Record<string, FakeTable>;
  explain?: (sql: string) => Record<string, unknown>;
  /** Statements that run until an abort-request arrives (to test interruption). */
  hold?: (sql: string) => boolean;
}

export interface ReceivedQuery {
  sql: string;
  parameters?: Record<string, unknown>;
}

const TOKEN = 'fake-session-token';

export async function startFakeSnowflake(opts: FakeSnowflakeOptions) {
  const queries: ReceivedQuery[] = [];
  const logins: Array<Record<string, unknown>> = [];
  const paths: string[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    void body(req).then((json) => {
      const path = req.url ?? '';
      paths.push(path.split('?')[0]);
      if (path.startsWith('/session/v1/login-request')) return login(json, res);
      if (req.headers.authorization !== `Snowflake Token="${TOKEN}"`) return send(res, 401, { success: false, code: '390104', message: 'not authenticated' });
      if (path.startsWith('/queries/v1/query-request')) {
        queries.push({ sql: String(json.sqlText), parameters: json.parameters as Record<string, unknown> | undefined });
        if (opts.hold?.(String(json.sqlText))) return void held.push(res);
        return send(res, 200, answer(String(json.sqlText)));
      }
      if (path.includes('abort-request')) {
        for (const r of held.splice(0)) send(r, 200, { success: false, code: '000604', message: 'SQL execution canceled', data: null });
      }
      return send(res, 200, { success: true, data: null, code: null, message: null });
    });
  });

  function login(json: Record<string, unknown>, res: ServerResponse) {
    const data = (json.data ?? {}) as Record<string, unknown>;
    logins.push(data);
    const who = data.LOGIN_NAME === opts.user && String(data.ACCOUNT_NAME).toUpperCase() === opts.account.toUpperCase();
    const ok = who && (opts.publicKey ? jwtValid(String(data.TOKEN), opts.publicKey, `${opts.account}.${opts.user}`.toUpperCase())
      : data.PASSWORD === opts.password);
    if (!ok) return send(res, 200, { success: false, code: '390100', message: 'Incorrect username or password was specified.', data: null });
    send(res, 200, { success: true, code: null, message: null, data: {
      token: TOKEN, masterToken: 'fake-master-token', validityInSeconds: 3600, masterValidityInSeconds: 14400,
      sessionId: 4242, parameters: [{ name: 'TIMEZONE', value: 'America/Los_Angeles' }],
      sessionInfo: { databaseName: 'ANALYTICS', schemaName: 'PUBLIC', warehouseName: 'WH', roleName: 'PROFILER' },
    } });
  }

  function answer(sql: string): Record<string, unknown> {
    try {
      if (sql.startsWith('SELECT t.TABLE_SCHEMA')) return ok(opts.catalog());
      if (sql.startsWith('EXPLAIN USING JSON') && opts.explain) {
        return ok({ rowtype: [{ name: 'content', type: 'text' }], rowset: [[JSON.stringify(opts.explain(sql))]] });
      }
      if (sql.startsWith('WITH src AS')) return ok(scan(sql));
      throw new Error('SQL compilation error: statement not understood by the fake');
    } catch (err) {
      return { success: false, code: '002003', message: (err as Error).message, data: { queryId: 'q-failed', sqlState: '42000' } };
    }
  }

  function scan(sql: string): SnowflakeWire {
    const relation = /\n {2}FROM ("(?:[^"]|"")*"\."(?:[^"]|"")*")/.exec(sql)?.[1];
    const table = relation ? opts.tables[relation] : undefined;
    if (!table) throw new Error(`SQL compilation error: Object ${relation ?? '?'} does not exist or not authorized.`);
    const mapping = projection(sql, /"((?:[^"]|"")*)"/, (s) => s.replaceAll('""', '"'));
    return toWire(computeScan(table, sql, mapping, () => true), table, mapping);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    logins,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Result columns as Snowflake names them: unquoted aliases folded to upper case, quoted ones as written. */
function toWire(out: ScanOutput[], table: FakeTable, mapping: Array<{ column: string; alias: string }>): SnowflakeWire {
  const aliases = Object.keys(out[0]?.values ?? {});
  const kindOf = (alias: string) => {
    const column = mapping.find((m) => m.alias === alias.slice(0, alias.indexOf('_')))?.column;
    return table.columns.find((c) => c.name === column)?.kind;
  };
  const typeOf = (alias: string) => {
    const suffix = alias.slice(alias.indexOf('_') + 1);
    if (['n', 'lmin', 'lmax', 'lsum'].includes(suffix)) return 'fixed';
    if (suffix === 'mean' || suffix === 'm2') return 'real';
    return kindOf(alias) === 'float' ? 'real' : 'text';
  };
  const rowtype = [
    { name: '__P', type: 'text' }, { name: '__ROWS', type: 'fixed', scale: 0 },
    ...aliases.map((a) => ({ name: a, type: typeOf(a), scale: typeOf(a) === 'fixed' ? 0 : null })),
    { name: '__HC', type: 'array' }, { name: '__HR', type: 'array' },
  ];
  const rowset = out.map((o) => [
    o.p, String(o.rows), ...aliases.map((a) => (o.values[a] === null ? null : String(o.values[a]))),
    o.hc && JSON.stringify(o.hc), o.hr && JSON.stringify(o.hr),
  ]);
  return { rowtype, rowset };
}

function ok(wire: SnowflakeWire) {
  const rowtype = wire.rowtype.map((c) => ({ nullable: true, byteLength: null, length: null, precision: null, scale: null, ...c }));
  return { success: true, code: null, message: null, data: {
    parameters: [], rowtype, rowset: wire.rowset, total: wire.rowset.length, returned: wire.rowset.length,
    queryId: `q-${Math.random().toString(16).slice(2)}`, queryResultFormat: 'json', version: 1, statementTypeId: 4096,
    finalDatabaseName: 'ANALYTICS', finalSchemaName: 'PUBLIC',
  } };
}

/** RS256 signature and the `sub` claim of the key-pair login JWT. */
function jwtValid(token: string, key: KeyObject, subject: string): boolean {
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) return false;
  const good = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { sub?: string; iss?: string };
  return good && claims.sub === subject && String(claims.iss).startsWith(`${subject}.SHA256:`);
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  let buf = Buffer.concat(chunks);
  if (req.headers['content-encoding'] === 'gzip') buf = gunzipSync(buf);
  return buf.length ? (JSON.parse(buf.toString()) as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}
