/** Request/response plumbing for `serve`: JSON replies, bounded bodies, bearer auth, Host/Origin checks. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A failure the client caused or must see: the message is sent as `{"error": message}`, nothing else. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** POST /profile bodies are a handful of table names; anything bigger is a mistake or an attack. */
export const MAX_BODY_BYTES = 64 * 1024;

const COMMON_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

export function sendJson(res: ServerResponse, status: number, doc: unknown, headers: Record<string, string> = {}): void {
  const body = `${JSON.stringify(doc)}\n`;
  res.writeHead(status, { ...COMMON_HEADERS, ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendHtml(res: ServerResponse, html: string, headers: Record<string, string>): void {
  res.writeHead(200, { ...COMMON_HEADERS, ...headers, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

/** Reads the body as JSON; an absent or empty body is `undefined`. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readText(req);
  if (text.trim() === '') return undefined;
  // A body forces a CORS preflight (which we never grant) only with a non-"simple" content type.
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'request body must be sent as Content-Type: application/json');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit keep draining instead of destroying the request: destroying it would also destroy the
    // socket, and the client would see a reset instead of the 413.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function tooLarge(): HttpError {
  // Close the connection: the rest of an oversized body is not worth reading.
  return new HttpError(413, `request body exceeds ${MAX_BODY_BYTES} bytes`, { connection: 'close' });
}

/** Constant-time: both sides are hashed first so neither the content nor the length leaks through timing. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  const given = createHash('sha256').update(m ? m[1] : '').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && m !== null;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * A server bound to loopback only answers requests addressed to loopback: a page on another site that rebinds
 * its DNS name to 127.0.0.1 would otherwise read plans and state through the victim's browser.
 */
export function checkHost(req: IncomingMessage, boundHost: string): void {
  if (!isLoopback(boundHost)) return;
  const hostHeader = req.headers.host ?? '';
  const name = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0];
  if (!isLoopback(name.toLowerCase())) throw new HttpError(403, 'requests must address the server by a loopback host name');
}

/** Browsers send Origin on cross-site POSTs; only same-origin pages (the dashboard) may start a run. */
export function checkOrigin(req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new HttpError(403, 'cross-origin requests are not allowed');
  }
  if (host !== req.headers.host) throw new HttpError(403, 'cross-origin requests are not allowed');
}
