/** `baselinr init [dir] [--demo]`: a starter config, and optionally a demo warehouse it points at. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exampleConfigText } from '../config/index.js';

export class InitError extends Error {}

export async function initProject(dir: string, opts: { demo?: boolean; force?: boolean }): Promise<{ config: string; created: string[] }> {
  const root = resolve(dir);
  const config = join(root, 'baselinr.yml');
  if (existsSync(config) && !opts.force) {
    throw new InitError(`${config} already exists (use --force to overwrite it)`);
  }
  mkdirSync(root, { recursive: true });
  const created = [config];
  if (opts.demo) {
    const { createDemoWarehouse, demoConfigText } = await import('../../connectors/duckdb/demo.js');
    const paths = await createDemoWarehouse(join(root, 'demo'));
    created.push(paths.database, paths.orders);
    writeFileSync(config, demoConfigText());
  } else {
    writeFileSync(config, exampleConfigText());
  }
  return { config, created };
}
