/** Public surface of the config module; other modules import from here only. */
export { loadConfig, parseConfig, type ParseOptions } from './load.js';
export { ConfigError, type ConfigIssue, formatIssue } from './errors.js';
export { interpolateString, type Env } from './interpolate.js';
export { redactConfig, secretValues } from './secrets.js';
export { resolvePath } from './normalize.js';
export { configSchema, type RawConfig } from './schema.js';
export { configJsonSchema, configJsonSchemaText } from './json-schema.js';
export { EXAMPLE_CONFIG_FILE, exampleConfigPath, exampleConfigText } from './example.js';
export type * from './types.js';
