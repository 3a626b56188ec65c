/** `baselinr serve` as a real process on a loopback port: every endpoint, every rejection, one run at a time. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/workspace.js';
import { rawGet, startServe, type ServeProcess } from '../helpers/serve-process.js';

const ws = tempDir('baselinr-serve-');
const cfg = join(ws.dir, 'baselinr.yml');
let srv: ServeProcess;

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string; json: () => any }> {
  const res = await fetch(`${srv.url}${path}`, { ...init, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}
const post = (body: string | undefined, type = 'application/json') =>
  call('/profile', { method: 'POST', headers: body === undefined ? {} : { 'content-type': type }, body });

/** The error contract: a JSON object with exactly one string `error`, and nothing that looks like a stack. */
function expectError(r: { text: string; headers: Headers }, pattern: RegExp): void {
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  const doc = JSON.parse(r.text);
  expect(Object.keys(doc)).toEqual(['error']);
  expect(doc.error).toMatch(pattern);
  expect(r.text).not.toMatch(/\n\s+at |node:internal|\.ts:\d+/);
}

beforeAll(async () => {
  const r = cli(['init', ws.dir, '--demo']);
  expect(r.code, r.stderr).toBe(0);
  srv = await startServe(cfg);
});
afterAll(async () => {
  // SIGTERM with no run in flight is an orderly stop: exit 0.
  if (srv) expect(await srv.stop()).toBe(0);
  ws.cleanup();
});

describe('serve: endpoints', () => {
  it('prints its URL on stderr and a loopback URL on stdout', () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(srv.stderr()).toContain(`listening on ${srv.url}`);
  });

  it('GET /healthz, GET /state before any run, GET /plan (all and ?tables=)', async () => {
    expect((await call('/healthz')).json()).toEqual({ status: 'ok', profiling: false });
    expect((await call('/state')).json()).toEqual({ tables: [] });
    const plan = (await call('/plan')).json();
    expect(plan.tables.map((t: any) => [t.table, t.decision, t.reason])).toEqual([
      ['main.customers', 'full', 'first_run'],
      ['main.page_views', 'full', 'first_run'],
      ['orders', 'full', 'first_run'],
    ]);
    expect(plan.summary).toEqual({ skip: 0, partial: 0, sample: 0, defer: 0, full: 3 });
    const some = (await call('/plan?tables=main.*')).json();
    expect(some.tables.map((t: any) => t.table)).toEqual(['main.customers', 'main.page_views']);
  });

  it('POST /profile with tables profiles only those, then GET /tables/:name/profile serves the result', async () => {
    const r = await post(JSON.stringify({ tables: ['main.customers'] }));
    expect(r.status, r.text).toBe(200);
    expect(r.json().tables.map((t: any) => [t.table, t.decision, t.status])).toEqual([['main.customers', 'full', 'ok']]);
    const p = await call(`/tables/${encodeURIComponent('main.customers')}/profile`);
    expect(p.status).toBe(200);
    expect(p.json()).toMatchObject({ table: 'main.customers', row_count: 2000, sampled: false });
    expect((await call('/tables/main%2Ecustomers/profile')).status).toBe(200);
  });

  it('POST /profile without a body runs everything; afterwards the plan has nothing to run', async () => {
    const r = await post(undefined);
    expect(r.status, r.text).toBe(200);
    const byTable = Object.fromEntries(r.json().tables.map((t: any) => [t.table, t.status]));
    expect(byTable).toEqual({ 'main.customers': 'skipped', 'main.page_views': 'ok', orders: 'ok' });
    const plan = (await call('/plan')).json();
    expect(plan.tables.every((t: any) => t.decision === 'skip')).toBe(true);
    const state = (await call('/state')).json();
    expect(state.tables.map((t: any) => [t.table, t.last_status])).toEqual([
      ['main.customers', 'skipped'], ['main.page_views', 'ok'], ['orders', 'ok'],
    ]);
  });

  it('concurrent POST /profile: exactly one runs, the others get 409; reads keep working meanwhile', async () => {
    const body = JSON.stringify({ full: true });
    const [a, b, c, plan] = await Promise.all([post(body), post(body), post(body), call('/plan')]);
    expect([a, b, c].map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expectError([a, b, c].find((r) => r.status === 409)!, /already in progress/);
    expect([a, b, c].find((r) => r.status === 200)!.json().tables.every((t: any) => t.reason === 'forced')).toBe(true);
    expect(plan.status, plan.text).toBe(200);
    expect((await call('/healthz')).json().profiling).toBe(false);
  });

  it('GET / is a dashboard page with a strict CSP', async () => {
    const r = await call('/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(r.text).toContain('<table');
    expect(r.text).toContain("api('/state')");
  });
});

describe('serve: bad requests get a 4xx JSON error', () => {
  it('unknown table → 404, unknown route → 404, wrong method → 405 with Allow', async () => {
    const missing = await call('/tables/main.nope/profile');
    expect(missing.status).toBe(404);
    expectError(missing, /no profile for table "main.nope"/);
    const route = await call('/nope');
    expect(route.status).toBe(404);
    expectError(route, /no such endpoint/);
    const method = await call('/plan', { method: 'DELETE' });
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET, HEAD');
    expectError(method, /not allowed/);
    expect((await call('/profile')).status).toBe(405);
    expect((await call('/tables/%E0%A4%A/profile')).status).toBe(400);
  });

  it('bad JSON, wrong shapes, wrong content type, oversized body', async () => {
    const cases: Array<[string, string, number, RegExp]> = [
      ['{"tables": [', 'application/json', 400, /not valid JSON/],
      ['[1, 2]', 'application/json', 400, /must be a JSON object/],
      ['{"tables": "orders"}', 'application/json', 400, /"tables" must be a non-empty array/],
      ['{"tables": []}', 'application/json', 400, /"tables" must be a non-empty array/],
      ['{"full": "yes"}', 'application/json', 400, /"full" must be a boolean/],
      ['{"dry_run": true}', 'application/json', 400, /unknown field .*dry_run/],
      ['{}', 'text/plain', 415, /Content-Type: application\/json/],
      [JSON.stringify({ tables: ['x'.repeat(100_000)] }), 'application/json', 413, /exceeds/],
    ];
    for (const [body, type, status, pattern] of cases) {
      const r = await post(body, type);
      expect(r.status, body.slice(0, 40)).toBe(status);
      expectError(r, pattern);
    }
  });

  it('refuses a foreign Host (DNS rebinding) and a cross-origin POST', async () => {
    const rebound = await rawGet(`${srv.url}/state`, { host: 'attacker.example' });
    expect(rebound.status).toBe(403);
    const cross = await call('/profile', { method: 'POST', headers: { origin: 'https://attacker.example' } });
    expect(cross.status).toBe(403);
    expectError(cross, /cross-origin/);
  });
});

describe('serve: bearer token', () => {
  const token = 's3cret-token-for-tests';
  let locked: ServeProcess;
  beforeAll(async () => {
    locked = await startServe(cfg, { env: { BASELINR_SERVE_TOKEN: token } });
  });
  afterAll(async () => {
    expect(await locked?.stop()).toBe(0);
  });

  it('401 without or with a wrong token, 200 with it; health and the page stay open', async () => {
    const get = (path: string, auth?: string) => fetch(`${locked.url}${path}`, { headers: auth ? { authorization: auth } : {}, signal: AbortSignal.timeout(30_000) });
    for (const auth of [undefined, 'Bearer wrong', `Basic ${token}`, `Bearer ${token}x`]) {
      const r = await get('/state', auth);
      expect(r.status, String(auth)).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const text = await r.text();
      expect(text).not.toContain(token);
    }
    expect((await get('/state', `Bearer ${token}`)).status).toBe(200);
    expect((await get('/plan', `bearer ${token}`)).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/')).status).toBe(200);
    expect(locked.stderr()).not.toContain(token);
  });
});
