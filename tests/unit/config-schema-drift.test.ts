/**
 * schema/config.schema.json is generated from the zod schema and committed (editors and users read it without
 * running code). This fails when the two drift. UPDATE_SCHEMA=1 rewrites the file instead.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, configJsonSchemaText, exampleConfigPath } from '../../src/config/index.js';

const file = join(dirname(exampleConfigPath()), 'schema', 'config.schema.json');

describe('config JSON schema', () => {
  it('matches the committed schema/config.schema.json', () => {
    const fresh = configJsonSchemaText();
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(file, fresh);
    const committed = readFileSync(file, 'utf8');
    if (committed !== fresh) {
      expect.fail('schema/config.schema.json is out of date with src/config/schema.ts: run `npm run gen:schema`');
    }
  });

  it('is strict and documents defaults', () => {
    const schema = configJsonSchema() as {
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { default?: unknown; oneOf?: unknown[] }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['source']);
    expect(schema.properties.source.oneOf).toHaveLength(4);
    expect(schema.properties.hooks.default).toEqual([]);
    expect(JSON.stringify(schema)).not.toMatch(/"additionalProperties":true/);
  });
});
