/** What a command needs: config, source connector, state store, logger. Opened lazily, closed once. */
import type { BaselinrConfig } from '../config/index.js';
import { secretValues } from '../config/index.js';
import { scrub } from '../config/errors.js';
import { appendFileSync } from 'node:fs';
import type { QueryLogEntry, SourceConnector } from '../connectors/types.js';
import { openSource } from '../connectors/registry.js';
import type { StateStore } from '../state/index.js';
import { openStore } from '../state/open.js';
import { createLogger, type Logger } from '../log.js';

export interface Context {
  config: BaselinrConfig;
  logger: Logger;
  secrets: string[];
  now: () => Date;
  source(): Promise<SourceConnector>;
  store(): Promise<StateStore>;
  close(): Promise<void>;
}

export interface ContextOptions {
  logLevel?: string;
  logger?: Logger;
  /** `plan` and `show` write nothing: the store is opened read-only and never created. */
  readOnly?: boolean;
  now?: () => Date;
  /** Reuse an open connector (library users, tests that inspect the query log). */
  connector?: SourceConnector;
  /** Append every warehouse statement run by this context to this file as JSON lines (`--query-log`). */
  queryLogFile?: string;
}

export function createContext(config: BaselinrConfig, opts: ContextOptions = {}): Context {
  const secrets = secretValues(config);
  const logger = opts.logger ?? createLogger(opts.logLevel ?? 'info', secrets);
  let source: Promise<SourceConnector> | undefined = opts.connector ? Promise.resolve(opts.connector) : undefined;
  let store: Promise<StateStore> | undefined;
  return {
    config,
    logger,
    secrets,
    now: opts.now ?? clockFromEnv(),
    source: () => (source ??= openSource(config.source, { readOnly: opts.readOnly })),
    store: () => (store ??= openStore(config, { readOnly: opts.readOnly })),
    async close() {
      const closing: Promise<void>[] = [];
      if (store) closing.push(store.then((s) => s.close(), () => undefined));
      if (source && opts.queryLogFile) {
        const file = opts.queryLogFile;
        await source.then((s) => writeQueryLog(file, s.client.queryLog, secrets), () => undefined);
      }
      if (source && !opts.connector) closing.push(source.then((s) => s.close(), () => undefined));
      await Promise.all(closing);
    },
  };
}

/**
 * `BASELINR_NOW` pins the clock (ISO-8601), for reproducing a schedule decision or testing TTLs and intervals
 * without waiting. Unset in normal operation.
 */
function clockFromEnv(): () => Date {
  const pinned = process.env.BASELINR_NOW;
  if (!pinned) return () => new Date();
  const t = new Date(pinned);
  if (Number.isNaN(t.getTime())) throw new Error(`BASELINR_NOW is not an ISO-8601 timestamp: "${pinned}"`);
  return () => new Date(t);
}

function writeQueryLog(file: string, log: readonly QueryLogEntry[], secrets: readonly string[]): void {
  const lines = log.map((e) => scrubSecrets(JSON.stringify(e), secrets)).join('\n');
  if (lines) appendFileSync(file, `${lines}\n`);
}

/** Replaces every secret value in a message: errors from drivers can echo connection strings. */
export function scrubSecrets(message: string, secrets: readonly string[]): string {
  return scrub(message, secrets);
}
