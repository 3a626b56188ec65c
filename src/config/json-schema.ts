/**
 * The JSON schema of baselinr.yml, generated from the zod schema so editors (yaml-language-server) validate and
 * complete the same keys the loader accepts. Committed as schema/config.schema.json; a test fails on drift.
 */
import * as z from 'zod';
import { configSchema } from './schema.js';

export function configJsonSchema(): Record<string, unknown> {
  // io 'input': the file a user writes, where keys with defaults are optional.
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, title: 'baselinr configuration (baselinr.yml)', ...rest };
}

/** Exactly the bytes of the committed file: stable key order, two-space indent, trailing newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
