/**
 * `{type: webhook}`: the event as a JSON POST. Network errors, timeouts, 5xx and 429 are retried with a short
 * exponential backoff; other statuses are final (a 4xx will not change by asking again).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BaselinrEvent } from '../types.js';
import { describeError } from '../scrub.js';
import type { Hook } from './types.js';

export interface WebhookOptions {
  url: string;
  timeoutMs: number;
  retries: number;
  headers: Record<string, string>;
  /** First retry delay; doubled per attempt. Small so a failing endpoint costs a CLI run little. */
  backoffMs?: number;
}

const MAX_BACKOFF_MS = 2_000;
/** More would only prolong a run: the hook cannot fail it anyway. */
const MAX_RETRIES = 10;

export function webhookHook(o: WebhookOptions): Hook {
  const parsed = safeUrl(o.url);
  const host = parsed?.host || 'invalid URL';
  const retries = Math.min(Math.max(0, Math.floor(o.retries)), MAX_RETRIES);
  const backoff = o.backoffMs ?? 100;
  // The URL itself can carry credentials (userinfo, ?token=...), and headers usually do.
  const secrets = [o.url, parsed?.search ?? '', parsed?.password ?? '', parsed?.username ?? '', ...Object.values(o.headers)];
  for (const v of parsed?.searchParams.values() ?? []) secrets.push(v);

  return {
    type: 'webhook',
    target: host,
    concurrency: 4,
    secrets: secrets.filter((s) => s.length >= 3),
    async deliver(e: BaselinrEvent) {
      if (!parsed) throw new Error('the webhook URL is not a valid URL');
      const body = JSON.stringify(e);
      let failure = '';
      let attempts = 0;
      while (attempts <= retries) {
        if (attempts > 0) await sleep(Math.min(backoff * 2 ** (attempts - 1), MAX_BACKOFF_MS));
        attempts++;
        const r = await post(parsed, body, o);
        if (r.ok) return;
        failure = r.failure;
        if (!r.retryable) break;
      }
      throw new Error(`${failure} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})`);
    },
  };
}

type PostResult = { ok: true } | { ok: false; retryable: boolean; failure: string };

async function post(url: URL, body: string, o: WebhookOptions): Promise<PostResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...o.headers },
      body,
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    // Drain the body so the keep-alive socket is released instead of lingering until the process exits.
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { ok: true };
    return { ok: false, retryable: res.status >= 500 || res.status === 429, failure: `HTTP ${res.status}` };
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    return { ok: false, retryable: true, failure: timedOut ? `timed out after ${o.timeoutMs} ms` : describeError(err) };
  }
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
