/**
 * Writes the state-store DDL files (`schema/state-*.sql`). Run through `npm run gen:schema` (which compiles
 * first); `tests/unit/state-ddl-drift.test.ts` fails when the committed files differ from the migrations.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DDL_FILES, generateDdl } from '../src/state/ddl.js';

/** The folder holding package.json above this file, whether run from `scripts/` or `dist/scripts/`. */
export function projectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** Returns the files written, relative to the root. */
export function writeStateDdl(root: string = projectRoot()): string[] {
  const written: string[] = [];
  for (const [dialect, file] of Object.entries(DDL_FILES) as [keyof typeof DDL_FILES, string][]) {
    const target = join(root, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, generateDdl(dialect));
    written.push(file);
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const file of writeStateDdl()) process.stdout.write(`wrote ${file}\n`);
}
