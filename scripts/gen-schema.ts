/**
 * Writes schema/config.schema.json from the zod schema (`npm run gen:schema`). Runs from dist/scripts, so the
 * output path is found from the package root rather than the working directory.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { configJsonSchemaText, exampleConfigPath } from '../src/config/index.js';

const root = dirname(exampleConfigPath());
const out = join(root, 'schema', 'config.schema.json');
writeFileSync(out, configJsonSchemaText());
process.stdout.write(`wrote ${out}\n`);

// The state-store DDL is generated from the same migrations the store runs.
const { writeStateDdl } = await import('./gen-ddl.js');
for (const file of writeStateDdl(root)) process.stdout.write(`wrote ${file}\n`);
