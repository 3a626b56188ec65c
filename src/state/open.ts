/** Opens the configured state store. */
import type { BaselinrConfig } from '../config/index.js';
import { openSqliteStore } from './sqlite.js';
import type { StateStore } from './types.js';

export async function openStore(config: BaselinrConfig, opts: { readOnly?: boolean } = {}): Promise<StateStore> {
  const s = config.storage;
  const metadataTable = config.incremental.changeDetection.metadataTable;
  if (s.type === 'sqlite') {
    const store = await openSqliteStore({ path: s.path, createTables: s.createTables, metadataTable, readOnly: opts.readOnly });
    if (!opts.readOnly) await store.migrate();
    return store;
  }
  if (s.type === 'postgres') {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore({ connection: s, createTables: s.createTables, metadataTable, readOnly: opts.readOnly });
  }
  throw new Error(`storage type "${(s as { type: string }).type}" is not available in this build yet`);
}
