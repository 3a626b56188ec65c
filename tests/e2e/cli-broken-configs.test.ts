/** Every broken config through the real CLI: exit 2, one line on stderr naming the key and its line, nothing written. */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/workspace.js';
import { SECRET, cases } from '../fixtures/broken-configs.js';

const ws = tempDir('baselinr-broken-');
afterAll(() => ws.cleanup());

describe('broken configs through the CLI', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const file = join(ws.dir, 'baselinr.yml');
    writeFileSync(file, c.yaml);
    const r = cli(['-c', file, 'profile'], { env: c.env ?? {} });
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    if (c.path) expect(lines[0]).toContain(c.path);
    if (c.line) expect(lines[0]).toContain(`:${c.line}:`);
    expect(lines[0]).not.toContain(SECRET);
    expect(r.stdout).toBe('');
    expect(readdirSync(ws.dir).sort()).toEqual(['baselinr.yml']);
    expect(existsSync(join(ws.dir, '.baselinr'))).toBe(false);
  });
});
