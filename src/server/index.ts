/**
 * `baselinr serve`: a node:http JSON API for orchestrator sensors plus a dashboard page. Errors leave as
 * `{"error": message}` with a 4xx/5xx status, never a stack trace: 5xx messages are scrubbed of secrets and the
 * detail goes to the log.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { scrubSecrets } from '../api/context.js';
import { secretValues, type BaselinrConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import { HttpError, bearerMatches, checkHost, isLoopback, sendJson } from './http-util.js';
import { ROUTES, type ServerState } from './routes.js';

export interface ServeOptions {
  config: BaselinrConfig;
  host: string;
  /** 0 picks a free port; read it back from `url`. */
  port: number;
  token?: string;
  logger: Logger;
  queryLogFile?: string;
}

export interface RunningServer {
  url: string;
  /** Stops accepting, cancels an in-flight profile run and waits (bounded) for open requests to end. */
  close(): Promise<{ interruptedRun: boolean }>;
}

/** How long shutdown waits for an aborted run and open requests before cutting connections. */
const SHUTDOWN_GRACE_MS = 10_000;

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const state: ServerState = { config: opts.config, logger: opts.logger, queryLogFile: opts.queryLogFile, shutdown: new AbortController() };
  const secrets = secretValues(opts.config);
  if (opts.token !== undefined && opts.token.trim() === '') throw new Error('the serve token must not be empty');
  if (!opts.token && !isLoopback(opts.host)) {
    opts.logger.warn(`serving on ${opts.host} without a token: anyone who can reach it can read plans and start runs`);
  }

  const server = createServer((req, res) => {
    const started = Date.now();
    handle(state, opts, req, res)
      .catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        const message = scrubSecrets(err instanceof Error ? err.message : String(err), secrets);
        if (status >= 500) opts.logger.error({ method: req.method, path: pathOf(req) }, `request failed: ${message}`);
        if (res.headersSent) return void res.destroy();
        sendJson(res, status, { error: status >= 500 ? `internal error: ${message}` : message }, err instanceof HttpError ? err.headers : {});
      })
      .finally(() => opts.logger.info({ method: req.method, path: pathOf(req), status: res.statusCode, ms: Date.now() - started }, 'request'));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`)));
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

  return {
    url,
    async close() {
      const interruptedRun = state.running !== undefined;
      state.shutdown.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
      await Promise.race([Promise.all([closed, state.running?.catch(() => undefined)]), grace]);
      server.closeAllConnections();
      return { interruptedRun };
    },
  };
}

async function handle(state: ServerState, opts: ServeOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  checkHost(req, opts.host);
  if (state.shutdown.signal.aborted) throw new HttpError(503, 'the server is shutting down', { connection: 'close' });
  // The path is matched before percent-decoding so an encoded "/" stays inside a table name.
  const target = req.url ?? '/';
  if (!target.startsWith('/')) throw new HttpError(400, 'request target must be a path');
  const url = new URL(`http://localhost${target}`);
  const route = ROUTES.find((r) => r.pattern.test(url.pathname));
  if (!route) throw new HttpError(404, `no such endpoint: ${url.pathname}`);
  const method = req.method === 'HEAD' ? 'GET' : (req.method as 'GET' | 'POST');
  const handler = route.methods[method];
  if (!handler) throw new HttpError(405, `method ${req.method} not allowed on ${url.pathname}`, { allow: allowed(route.methods) });
  if (route.auth && opts.token && !bearerMatches(req.headers.authorization, opts.token)) {
    throw new HttpError(401, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer realm="baselinr"' });
  }
  await handler(state, req, res, url, route.pattern.exec(url.pathname)!.slice(1));
}

function allowed(methods: object): string {
  return Object.keys(methods).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])).join(', ');
}

/** The path without the query string: query values never reach the log. */
function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0];
}
