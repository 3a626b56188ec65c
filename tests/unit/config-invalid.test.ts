/**
 * Broken configs → one-line ConfigError naming the key path and the line a user must fix, never a secret.
 * Lines are 1-based and counted by hand from each YAML text below.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/index.js';

import { DUCK, PG, SECRET, cases } from '../fixtures/broken-configs.js';

function errorOf(yaml: string, env: Record<string, string> = {}): ConfigError {
  try {
    parseConfig(yaml, { file: 'baselinr.yml', baseDir: '/tmp/proj', env });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('config was accepted');
}

describe('invalid configs', () => {
  it('covers at least 22 cases', () => expect(cases.length).toBeGreaterThanOrEqual(22));

  it.each(cases)('$name', ({ yaml, path, line, says, env }) => {
    const err = errorOf(yaml, env);
    expect(err.message).not.toContain('\n');
    expect(err.message).not.toContain(SECRET);
    expect(err.issues.map((i) => i.message).join(' ')).not.toContain(SECRET);
    expect(err.path).toBe(path);
    expect(err.line).toBe(line);
    expect(err.message).toMatch(new RegExp(`^baselinr\\.yml:${line}:\\d+: `));
    if (path) expect(err.message).toContain(`: ${path}: `);
    expect(err.message).toContain(says);
    expect(err.file).toBe('baselinr.yml');
    expect(err.column).toBeGreaterThan(0);
  });

  it('formats the documented example exactly', () => {
    const err = errorOf('source: {type: duckdb}\nprofiling:\n  tables:\n    - tabel: events\n');
    expect(err.message).toBe('baselinr.yml:4:7: profiling.tables[0].tabel: unknown key "tabel" (did you mean "table"?)');
  });

  it('keeps every problem in issues[], reporting the first by line', () => {
    const yaml = `${PG}incremental:\n  enabled: yes-please\nhooks:\n  - type: nope\nextra: 1\nprofiling: {metrics: [bogus]}\n`;
    const err = errorOf(yaml);
    expect(err.issues.map((i) => [i.path, i.line])).toEqual([
      ['incremental.enabled', 6],
      ['hooks[0].type', 8],
      ['extra', 9],
      ['profiling.metrics[0]', 10],
    ]);
    expect(err.line).toBe(6);
    expect(err.describeAll().split('\n')).toHaveLength(4);
  });

  it('does not add a type error on top of a missing env var', () => {
    const err = errorOf(`${DUCK}  threads: \${THREADS}\n`);
    expect(err.issues).toHaveLength(1);
    expect(err.message).toContain('environment variable THREADS is not set');
  });

  it('never shows a secret that came from the environment', () => {
    const err = errorOf(`source:\n  type: postgres\n  password: \${PW}\n  port: x\n`, { PW: SECRET });
    expect(err.message).toContain('source.port');
    expect(err.message).not.toContain(SECRET);
  });

  it('hints at quoting ${...} inside a flow mapping', () => {
    const err = errorOf('source: {type: postgres, password: ${PW}}\n', { PW: SECRET });
    expect(err.line).toBe(1);
    expect(err.message).toContain('quote "${...}"');
  });

  it('refuses alias expansion bombs instead of hanging', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    const err = errorOf(`source: {type: duckdb}\n${levels.join('\n')}\n`);
    expect(err.message).toMatch(/^baselinr\.yml:1:1: invalid YAML: .*alias/i);
  });

  it('reports a missing file by path', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'baselinr-cfg-')), 'nope.yml');
    let caught: unknown;
    try {
      loadConfig(missing, {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(`config file not found: ${missing}`);
    expect((caught as ConfigError).file).toBe(missing);
  });
});
