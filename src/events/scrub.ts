/**
 * Secret scrubbing for everything the bus hands to a hook or writes to the log. The bus does this itself rather
 * than trusting the logger: a library user may pass a plain pino logger without the CLI's scrubbing hook.
 */

const MASK = '***';

/** Longest first, so a secret that contains a shorter one is masked whole rather than leaving a fragment. */
export function secretList(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
}

export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/**
 * A deep copy of plain JSON-like data with every string (keys included) scrubbed. Always a copy, even without
 * secrets: hooks deliver later, and must see the event as it was at emit, not as a caller mutated it since.
 */
export function scrubDeep<T>(value: T, secrets: readonly string[]): T {
  return walk(value, secrets) as T;
}

function walk(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[scrubText(k, secrets)] = walk(v, secrets);
    return out;
  }
  return value;
}

/**
 * One line for an error. fetch reports network failures as a bare "fetch failed" with the useful part (e.g.
 * `connect ECONNREFUSED 127.0.0.1:9`) in `cause`, so the cause chain is followed.
 */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 4; depth++) {
    if (cur instanceof Error) {
      const msg = cur.message || cur.name;
      if (msg && !parts.includes(msg)) parts.push(msg);
      cur = (cur as { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.length > 0 ? parts.join(': ') : 'unknown error';
}
