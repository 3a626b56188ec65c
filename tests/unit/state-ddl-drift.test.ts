import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DDL_FILES, generateDdl, type StateDialect } from '../../src/state/index.js';

const root = join(import.meta.dirname, '..', '..');

describe('committed state DDL', () => {
  for (const dialect of Object.keys(DDL_FILES) as StateDialect[]) {
    it(`${DDL_FILES[dialect]} matches the migrations`, () => {
      const file = join(root, DDL_FILES[dialect]);
      const expected = generateDdl(dialect);
      // UPDATE_SCHEMA=1 regenerates without a build, for when the rest of the tree does not compile yet.
      if (process.env.UPDATE_SCHEMA === '1') writeFileSync(file, expected);
      let committed = '';
      try {
        committed = readFileSync(file, 'utf8');
      } catch {
        // Missing file: reported as drift below.
      }
      expect(committed, `${DDL_FILES[dialect]} is stale: run \`npm run gen:schema\``).toBe(expected);
    });
  }

  it('uses the configured metadata table name, quoted, and never a hostile one', () => {
    expect(generateDdl('postgres', 'custom_state')).toContain('create table if not exists "custom_state"');
    expect(() => generateDdl('sqlite', 'x"; drop table y')).toThrow(/metadata_table/);
  });

  it('gives each dialect its own boolean and identity types', () => {
    expect(generateDdl('postgres')).toMatch(/"sampled" boolean default false not null/);
    expect(generateDdl('postgres')).toMatch(/"id" bigint generated always as identity primary key/);
    expect(generateDdl('sqlite')).toMatch(/"sampled" integer default 0 not null/);
    expect(generateDdl('sqlite')).toMatch(/"id" integer primary key autoincrement/);
  });
});
