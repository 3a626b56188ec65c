/** Opens the configured source. Each connector (and its SDK) is imported only when it is used. */
import type { SourceConfig } from '../config/index.js';
import type { SourceConnector } from './types.js';

export async function openSource(source: SourceConfig): Promise<SourceConnector> {
  switch (source.type) {
    case 'duckdb': {
      const { createConnector } = await import('../../connectors/duckdb/index.js');
      return createConnector(source);
    }
    default:
      throw new Error(`source type "${source.type}" is not available in this build yet`);
  }
}
