/** On a terminal (a pseudo-TTY from `script`) `profile` shows live progress; piped, it shows none. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, cli, tempDir } from '../helpers/workspace.js';

const ws = tempDir('baselinr-progress-');
beforeAll(() => expect(cli(['init', ws.dir, '--demo']).code).toBe(0));
afterAll(() => ws.cleanup());

describe('progress display', () => {
  it('renders on a TTY and stays out of piped output', () => {
    const cfg = join(ws.dir, 'baselinr.yml');
    const cmd = `COLUMNS=120 '${process.execPath}' '${BIN}' -c '${cfg}' profile`;
    const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
    expect(tty.status, tty.stderr).toBe(0);
    expect(tty.stdout).toContain('[3/3] tables');
    expect(tty.stdout).toContain('rows scanned');
    const piped = cli(['-c', cfg, 'profile', '--full']);
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toContain('tables ·');
    expect(piped.stdout).not.toContain('\x1b[2K');
  });
});
