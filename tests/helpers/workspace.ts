/** Temp project folders, configs and a CLI runner for tests (the CLI as a user runs it: the built bin). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { parseConfig } from '../../src/config/index.js';
import { createContext, type Context } from '../../src/api/context.js';
import { silentLogger } from '../../src/log.js';
import type { SourceConnector } from '../../src/connectors/types.js';

export const BIN = fileURLToPath(new URL('../../bin/baselinr.js', import.meta.url));

export function tempDir(prefix = 'baselinr-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeConfig(dir: string, yaml: string): string {
  const file = join(dir, 'baselinr.yml');
  writeFileSync(file, yaml);
  return file;
}

export function contextFor(dir: string, yaml: string, opts: { readOnly?: boolean; connector?: SourceConnector; now?: () => Date } = {}): Context {
  const file = join(dir, 'baselinr.yml');
  const config = parseConfig(yaml, { file, baseDir: dir, env: {} });
  return createContext(config, { logger: silentLogger(), ...opts });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any;
}

export function cli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}
