/** What a command needs: config, source connector, state store, logger. Opened lazily, closed once. */
import type { BaselinrConfig } from '../config/index.js';
import { secretValues } from '../config/index.js';
import type { SourceConnector } from '../connectors/types.js';
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
    now: opts.now ?? (() => new Date()),
    source: () => (source ??= openSource(config.source)),
    store: () => (store ??= openStore(config, { readOnly: opts.readOnly })),
    async close() {
      const closing: Promise<void>[] = [];
      if (store) closing.push(store.then((s) => s.close(), () => undefined));
      if (source && !opts.connector) closing.push(source.then((s) => s.close(), () => undefined));
      await Promise.all(closing);
    },
  };
}

/** Replaces every secret value in a message: errors from drivers can echo connection strings. */
export function scrubSecrets(message: string, secrets: readonly string[]): string {
  return secrets.reduce((acc, s) => (s ? acc.split(s).join('***') : acc), message);
}
