/**
 * Which config values are secrets, decided by key name so it works on the normalized config and on raw YAML
 * data alike (the loader scrubs error messages before the config has even validated).
 *
 * Secrets: values of keys named like password / passphrase / token / secret, every value of a `headers` map,
 * and the credentials inside URLs (userinfo password, sensitive query parameters). A private key *path* is not a
 * secret and the key file is never read here.
 */

const SECRET_KEY = /(password|passphrase|passwd|token|secret|api_?key|apiKey|credentials)$/i;
const SECRET_PARAM = /^(password|passwd|pwd|token|access_token|secret|key|api_?key|sig|signature|auth)$/i;
const REDACTED = '***';

/** The literal secret strings in a config (normalized or raw), for scrubbing logs and error messages. */
export function secretValues(config: unknown): string[] {
  const found = new Set<string>();
  walk(config, undefined, false, (value, key, inHeaders) => {
    if (inHeaders || SECRET_KEY.test(key ?? '')) found.add(value);
    else if (key !== undefined && /url$/i.test(key)) urlSecrets(value).forEach((s) => found.add(s));
  });
  found.delete('');
  return [...found];
}

/** A deep copy with secret values replaced by "***"; in URLs only the credential parts are replaced. */
export function redactConfig<T>(config: T): T {
  return transform(config, undefined, false) as T;
}

function transform(value: unknown, key: string | undefined, inHeaders: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => transform(v, undefined, inHeaders));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = transform(v, k, inHeaders || k === 'headers');
    return out;
  }
  if (typeof value !== 'string' || value === '') return value;
  if (inHeaders || SECRET_KEY.test(key ?? '')) return REDACTED;
  if (key !== undefined && /url$/i.test(key)) return redactUrl(value);
  return value;
}

function walk(
  value: unknown,
  key: string | undefined,
  inHeaders: boolean,
  visit: (value: string, key: string | undefined, inHeaders: boolean) => void,
): void {
  if (Array.isArray(value)) value.forEach((v) => walk(v, undefined, inHeaders, visit));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, k, inHeaders || k === 'headers', visit);
  } else if (typeof value === 'string') visit(value, key, inHeaders);
}

function urlSecrets(text: string): string[] {
  const url = parseUrl(text);
  if (!url) return [...text.matchAll(/password=([^\s&;]+)/gi)].map((m) => m[1]);
  const out: string[] = [];
  if (url.password) out.push(url.password, safeDecode(url.password));
  for (const [name, value] of url.searchParams) if (SECRET_PARAM.test(name) && value) out.push(value);
  return out;
}

function redactUrl(text: string): string {
  const url = parseUrl(text);
  if (!url) return text.replace(/(password=)[^\s&;]+/gi, `$1${REDACTED}`);
  if (!url.password && ![...url.searchParams.keys()].some((k) => SECRET_PARAM.test(k))) return text;
  if (url.password) url.password = REDACTED;
  for (const name of [...url.searchParams.keys()]) if (SECRET_PARAM.test(name)) url.searchParams.set(name, REDACTED);
  // URL encodes "*" in the query; keep the marker readable.
  return url.toString().replace(/%2A%2A%2A/g, REDACTED);
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
