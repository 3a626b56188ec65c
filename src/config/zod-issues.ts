/**
 * Turns zod issues into located, one-line ConfigIssues. Messages are written from the issue's code and the
 * *type* of the offending value, never the value itself, because the value may be a password.
 */
import type * as z from 'zod';
import { ALL_METRICS } from '../profiler/state-types.js';
import type { ConfigIssue, PathSegment } from './errors.js';
import { formatPath } from './errors.js';
import { didYouMean, knownKeys } from './suggest.js';
import type { YamlSource } from './yaml-source.js';

type Issue = z.core.$ZodIssue;

export function zodIssues(issues: readonly Issue[], data: unknown, schema: z.ZodType, src: YamlSource): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, data, path);
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        const message = `unknown key "${key}"${didYouMean(key, known)}`;
        out.push({ path: formatPath(keyPath), ...src.locate(keyPath, true), message });
      }
      continue;
    }
    out.push({ path: formatPath(path), ...src.locate(path), message: describeIssue(issue, path, valueAt(data, path)) });
  }
  return out;
}

function describeIssue(issue: Issue, path: PathSegment[], value: unknown): string {
  const last = path[path.length - 1];
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined && typeof last === 'string') return `missing required key "${last}"`;
      return `expected ${expectedName(issue.expected)}, got ${typeName(value)}`;
    case 'invalid_union': {
      const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.join(', ') : '';
      if (!('discriminator' in issue)) return 'does not match any allowed form';
      if (value === undefined) return `missing required key "${String(last)}" (one of: ${options})`;
      const owner = typeof path[path.length - 2] === 'string' ? String(path[path.length - 2]) : 'hook';
      return `unknown ${owner} type ${quote(value)} (valid: ${options})`;
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      if (values.length === ALL_METRICS.length && ALL_METRICS.every((m) => values.includes(m))) {
        return `unknown metric ${quote(value)} (valid: ${values.join(', ')})`;
      }
      return `invalid value ${quote(value)} (expected one of: ${values.join(', ')})`;
    }
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} item(s)`;
      return `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}, got ${numberOrType(value)}`;
    case 'too_big':
      if (issue.origin === 'string' || issue.origin === 'array') return `is too long (max ${String(issue.maximum)})`;
      return `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}, got ${numberOrType(value)}`;
    case 'custom':
      return issue.message;
    default:
      return `invalid value (${issue.code})`;
  }
}

function expectedName(expected: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    record: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
  };
  return names[expected] ?? expected;
}

/** The YAML-level type of a value, e.g. "a list"; safe to print even for secrets. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${typeof value}`;
}

// Numbers are never secret, and showing them makes range errors self-explanatory.
function numberOrType(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeName(value);
}

function quote(value: unknown): string {
  if (typeof value !== 'string') return typeName(value);
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}
