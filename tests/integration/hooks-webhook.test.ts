import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HookConfig } from '../../src/config/types.js';
import { createEventBus } from '../../src/events/index.js';
import { captureLogger } from '../fixtures/hooks/capture-logger.js';
import { completed, failed, started } from '../fixtures/hooks/events.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: unknown;
}

interface TestServer {
  port: number;
  received: Received[];
  close: () => Promise<void>;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A loopback server; `respond` gets the 0-based request number and may leave the response unanswered. */
async function serve(respond: (n: number, res: ServerResponse) => void): Promise<TestServer> {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      respond(received.length - 1, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const s = { port: (server.address() as AddressInfo).port, received, close };
  servers.push(s);
  return s;
}

/** A port that was just bound and released: connecting to it is refused. */
async function deadPort(): Promise<number> {
  const s = await serve(() => undefined);
  servers.splice(servers.indexOf(s), 1);
  await s.close();
  return s.port;
}

function webhook(port: number, over: Partial<Extract<HookConfig, { type: 'webhook' }>> = {}): HookConfig {
  return { type: 'webhook', url: `http://127.0.0.1:${port}/hook?token=q-secret-123`, timeoutMs: 2_000, retries: 0, headers: {}, ...over };
}

describe('webhook hook', () => {
  it('POSTs each event as JSON with the configured headers', async () => {
    const server = await serve((_, res) => res.writeHead(204).end());
    const cap = captureLogger();
    const bus = createEventBus({
      hooks: [webhook(server.port, { headers: { authorization: 'Bearer tok-abc-999', 'x-team': 'data' } })],
      logger: cap.logger,
    });
    const events = [started(), completed()];
    for (const e of events) bus.emit(e);
    await bus.flush();
    expect(server.received.map((r) => r.body)).toEqual(events);
    for (const r of server.received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers.authorization).toBe('Bearer tok-abc-999');
      expect(r.headers['x-team']).toBe('data');
    }
    expect(cap.warnings()).toEqual([]);
  });

  it('retries 5xx and succeeds when the server recovers', async () => {
    const server = await serve((n, res) => res.writeHead(n < 2 ? 500 : 200).end('ok'));
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [webhook(server.port, { retries: 3 })], logger: cap.logger });
    bus.emit(failed());
    await bus.flush();
    expect(server.received).toHaveLength(3);
    expect(server.received.every((r) => (r.body as { type: string }).type === 'ProfilingFailed')).toBe(true);
    expect(cap.warnings()).toEqual([]);
  });

  it('a dead port: flush resolves and each event gets exactly one warning naming the host, never secrets', async () => {
    const port = await deadPort();
    const cap = captureLogger();
    const bus = createEventBus({
      hooks: [webhook(port, { retries: 2, headers: { authorization: 'Bearer tok-abc-999' } })],
      logger: cap.logger,
      secrets: ['Bearer tok-abc-999'],
    });
    bus.emit(started('a'));
    bus.emit(completed('a'));
    bus.emit(failed('b'));
    await expect(bus.flush()).resolves.toBeUndefined();
    const warnings = cap.warnings();
    expect(warnings).toHaveLength(3);
    expect(warnings.map((w) => w.eventType)).toEqual(['ProfilingStarted', 'ProfilingCompleted', 'ProfilingFailed']);
    for (const w of warnings) {
      expect(w.hook).toBe('webhook');
      expect(w.msg).toContain(`webhook hook (127.0.0.1:${port})`);
      expect(w.msg).toMatch(/ECONNREFUSED/);
      expect(w.msg).toContain('after 3 attempts');
    }
    const text = cap.text();
    for (const secret of ['tok-abc-999', 'q-secret-123', 'token=', '/hook']) expect(text).not.toContain(secret);
  });

  it('honours the timeout against a server that never answers', async () => {
    const server = await serve(() => undefined);
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [webhook(server.port, { timeoutMs: 100, retries: 1 })], logger: cap.logger });
    const t0 = performance.now();
    bus.emit(started());
    await bus.flush();
    // Two 100 ms attempts and one 100 ms backoff; far below the server's (absent) answer.
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(server.received).toHaveLength(2);
    const warnings = cap.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('timed out after 100 ms');
  });

  it('does not retry a 4xx: the answer would not change', async () => {
    const server = await serve((_, res) => res.writeHead(404).end());
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [webhook(server.port, { retries: 3 })], logger: cap.logger });
    bus.emit(started());
    await bus.flush();
    expect(server.received).toHaveLength(1);
    expect(cap.warnings().map((w) => w.msg)).toEqual([expect.stringContaining('HTTP 404 (gave up after 1 attempt)')]);
  });

  it('a failing webhook does not stop the other hooks', async () => {
    const port = await deadPort();
    const good = await serve((_, res) => res.writeHead(200).end());
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [webhook(port), webhook(good.port), { type: 'log' }], logger: cap.logger });
    bus.emit(started());
    await bus.flush();
    expect(good.received).toHaveLength(1);
    expect(cap.warnings()).toHaveLength(1);
    expect(cap.lines.filter((l) => l.level === 30)).toHaveLength(1);
  });
});
