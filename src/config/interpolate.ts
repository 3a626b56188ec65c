/**
 * `${VAR}` / `${VAR:-default}` substitution in string values, done on the YAML tree (not the text) so that
 * an env value containing `:` or `#` cannot change the document's structure, and errors keep their line.
 *
 * Rules: `${VAR:-default}` uses the default when VAR is unset or empty (shell semantics); `$${` is a literal
 * `${`; keys are never interpolated. A plain (unquoted) scalar whose result looks like a number, boolean or null
 * is re-typed, so `port: ${PGPORT:-5432}` is a number while `port: "${PGPORT}"` stays a string.
 */
import { isMap, isScalar, isSeq, type Scalar } from 'yaml';
import type { ConfigIssue, PathSegment } from './errors.js';
import { formatPath } from './errors.js';
import type { YamlSource } from './yaml-source.js';

export type Env = Record<string, string | undefined>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Substitute in place. Returns the issues found; failed expressions become '' so validation can continue. */
export function interpolateDocument(src: YamlSource, env: Env): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const walk = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) {
      const { value, errors } = interpolateString(node.value, env);
      for (const message of errors) issues.push({ path: formatPath(path), ...src.locate(path), message });
      node.value = node.type === 'PLAIN' ? retype(value) : value;
    }
  };
  walk(src.doc.contents, []);
  return issues;
}

/** Pure string substitution; exported for tests and for callers interpolating outside a document. */
export function interpolateString(text: string, env: Env): { value: string; errors: string[] } {
  const errors: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i++];
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close < 0) {
      errors.push('unterminated "${" (write "$${" for a literal "${")');
      out += text.slice(i);
      break;
    }
    const body = text.slice(i + 2, close);
    const sep = body.indexOf(':-');
    const name = sep < 0 ? body : body.slice(0, sep);
    if (!NAME.test(name)) {
      errors.push(`invalid environment variable name "${name}" in "\${...}"`);
    } else {
      const set = env[name];
      if (set !== undefined && (set !== '' || sep < 0)) out += set;
      else if (sep >= 0) out += body.slice(sep + 2);
      else errors.push(`environment variable ${name} is not set`);
    }
    i = close + 1;
  }
  return { value: out, errors };
}

// Mirrors the YAML 1.2 core schema for the scalar types a config uses, so env values type like literal ones.
function retype(value: string): Scalar['value'] {
  if (/^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(value)) return Number(value);
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  if (/^(null|Null|NULL|~)?$/.test(value) && value !== '') return null;
  return value;
}
