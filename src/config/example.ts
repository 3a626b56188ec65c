/**
 * `config.example.yml` at the package root is the single source of the starter config: `baselinr init` copies
 * it, the docs quote it and a test parses it. This finds it from both `src/config` (vitest) and
 * `dist/src/config` (the built CLI).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLE_CONFIG_FILE = 'config.example.yml';

export function exampleConfigPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, EXAMPLE_CONFIG_FILE);
    if (existsSync(candidate) && existsSync(join(dir, 'package.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`${EXAMPLE_CONFIG_FILE} not found above ${fileURLToPath(import.meta.url)}`);
}

export function exampleConfigText(): string {
  return readFileSync(exampleConfigPath(), 'utf8');
}
