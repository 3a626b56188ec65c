/** Global options and the pieces every command shares: config loading, context, error → exit code. */
import { resolve } from 'node:path';
import { ConfigError, loadConfig, type BaselinrConfig } from '../config/index.js';
import { createContext, type Context, type ContextOptions } from '../api/context.js';
import { UsageError, type Format } from './exit-codes.js';

export interface GlobalOptions {
  config?: string;
  format: Format;
  logLevel: string;
  queryLog?: string;
}

export function configPath(g: GlobalOptions): string {
  return resolve(g.config ?? process.env.BASELINR_CONFIG ?? 'baselinr.yml');
}

export function loadFromOptions(g: GlobalOptions): BaselinrConfig {
  return loadConfig(configPath(g));
}

export async function withContext<T>(g: GlobalOptions, opts: ContextOptions, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const queryLogFile = g.queryLog ? resolve(g.queryLog) : undefined;
  const ctx = createContext(loadFromOptions(g), { logLevel: g.logLevel, queryLogFile, ...opts });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

export function parseFormat(v: string): Format {
  if (v !== 'table' && v !== 'json') throw new UsageError(`--format must be "table" or "json", not "${v}"`);
  return v;
}

export { ConfigError };
