/**
 * Retries for transient warehouse errors (connection resets, serialization failures, lock timeouts): a short
 * exponential backoff with a cap. Anything else — a missing table, bad SQL, a cancelled run — fails at once.
 */
const TRANSIENT = [
  /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|connection (reset|terminated|closed)/i,
  /could not serialize|serialization failure|deadlock detected|lock (wait )?timeout|too many connections/i,
  /\b(40001|40P01|08006|08003|08001|57P01|53300)\b/,
  /temporarily unavailable|try again|rate limit|service unavailable|\b503\b|\b429\b/i,
];

export function isTransient(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const text = `${String(e?.code ?? '')} ${String(e?.message ?? err)}`;
  return TRANSIENT.some((r) => r.test(text));
}

export interface RetryOptions {
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export async function withRetries<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const retries = opts.retries ?? 3;
  const base = opts.baseDelayMs ?? 250;
  const max = opts.maxDelayMs ?? 5_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= retries || !isTransient(err) || opts.signal?.aborted) throw err;
      const delay = Math.min(max, base * 2 ** attempt);
      opts.onRetry?.(err, attempt + 1, delay);
      await sleep(delay, opts.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
