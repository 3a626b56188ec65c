/** The endpoints of `serve`. Every handler opens its own context: GETs read-only, the profile run read-write. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { BaselinrConfig } from '../config/index.js';
import { createContext, type Context } from '../api/context.js';
import { computePlan } from '../api/plan.js';
import { runProfile } from '../api/profile.js';
import { listState, NotFoundError, showProfile } from '../api/show.js';
import { createEventBus } from '../events/index.js';
import type { Logger } from '../log.js';
import { dashboardHtml } from './dashboard.js';
import { HttpError, checkOrigin, readJsonBody, sendHtml, sendJson } from './http-util.js';

export interface ServerState {
  config: BaselinrConfig;
  logger: Logger;
  /** `--query-log`: every request's warehouse statements are appended here. */
  queryLogFile?: string;
  /** The in-flight POST /profile run; at most one. */
  running?: Promise<unknown>;
  /** Aborted at shutdown so an in-flight run cancels its queries instead of holding the process. */
  shutdown: AbortController;
}

export type Handler = (s: ServerState, req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => Promise<void>;

export interface Route {
  pattern: RegExp;
  methods: Partial<Record<'GET' | 'POST', Handler>>;
  /** Data endpoints need the bearer token when one is configured; health and the static page do not. */
  auth: boolean;
}

export const ROUTES: Route[] = [
  { pattern: /^\/$/, auth: false, methods: { GET: dashboard } },
  { pattern: /^\/healthz$/, auth: false, methods: { GET: healthz } },
  { pattern: /^\/plan$/, auth: true, methods: { GET: plan } },
  { pattern: /^\/profile$/, auth: true, methods: { POST: profile } },
  { pattern: /^\/state$/, auth: true, methods: { GET: state } },
  { pattern: /^\/tables\/([^/]+)\/profile$/, auth: true, methods: { GET: tableProfile } },
];

async function withCtx<T>(s: ServerState, readOnly: boolean, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const ctx = createContext(s.config, { readOnly, logger: s.logger, queryLogFile: s.queryLogFile });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

async function dashboard(_s: ServerState, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'`;
  sendHtml(res, dashboardHtml(nonce), { 'content-security-policy': csp, 'referrer-policy': 'no-referrer' });
}

async function healthz(s: ServerState, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendJson(res, 200, { status: 'ok', profiling: s.running !== undefined });
}

async function plan(s: ServerState, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const tables = url.searchParams.getAll('tables').filter((t) => t.trim() !== '');
  const { result } = await withCtx(s, true, (ctx) => computePlan(ctx, { tables: tables.length ? tables : undefined }));
  sendJson(res, 200, result);
}

async function state(s: ServerState, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendJson(res, 200, await withCtx(s, true, (ctx) => listState(ctx)));
}

async function tableProfile(s: ServerState, _req: IncomingMessage, res: ServerResponse, _url: URL, params: string[]): Promise<void> {
  let name: string;
  try {
    name = decodeURIComponent(params[0]);
  } catch {
    throw new HttpError(400, 'table name in the path is not valid percent-encoding');
  }
  try {
    sendJson(res, 200, await withCtx(s, true, (ctx) => showProfile(ctx, name)));
  } catch (err) {
    if (err instanceof NotFoundError) throw new HttpError(404, err.message);
    throw err;
  }
}

async function profile(s: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  checkOrigin(req);
  const body = parseProfileBody(await readJsonBody(req));
  // Check-and-set with no await in between: two requests cannot both pass it.
  if (s.running) throw new HttpError(409, 'a profile run is already in progress; retry when it finishes');
  const run = withCtx(s, false, async (ctx) => {
    const events = createEventBus({ hooks: s.config.hooks, store: await ctx.store(), logger: ctx.logger, secrets: ctx.secrets });
    try {
      return await runProfile(ctx, { ...body, events, signal: s.shutdown.signal });
    } finally {
      await events.flush();
    }
  });
  s.running = run;
  try {
    sendJson(res, 200, await run);
  } finally {
    s.running = undefined;
  }
}

function parseProfileBody(body: unknown): { tables?: string[]; full?: boolean } {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'request body must be a JSON object');
  const { tables, full, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new HttpError(400, `unknown field${unknown.length > 1 ? 's' : ''} in request body: ${unknown.join(', ')} (allowed: tables, full)`);
  if (tables !== undefined && (!Array.isArray(tables) || tables.length === 0 || !tables.every((t) => typeof t === 'string' && t.trim() !== ''))) {
    throw new HttpError(400, '"tables" must be a non-empty array of table names or * patterns');
  }
  if (full !== undefined && typeof full !== 'boolean') throw new HttpError(400, '"full" must be a boolean');
  return { tables: tables as string[] | undefined, full: full as boolean | undefined };
}
