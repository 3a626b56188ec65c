/** Opens the configured source. Each connector (and its SDK) is imported only when it is used. */
import type { SourceConfig } from '../config/index.js';
import type { SourceConnector } from './types.js';

export async function openSource(source: SourceConfig, opts: { readOnly?: boolean } = {}): Promise<SourceConnector> {
  switch (source.type) {
    case 'duckdb': {
      const { createConnector } = await import('../../connectors/duckdb/index.js');
      return createConnector(source, opts);
    }
    case 'postgres': {
      const { createConnector } = await import('../../connectors/postgres/index.js');
      return createConnector(source);
    }
    case 'snowflake': {
      const { createConnector } = await import('../../connectors/snowflake/index.js');
      return createConnector(source);
    }
    case 'bigquery': {
      const { createConnector } = await import('../../connectors/bigquery/index.js');
      return createConnector(source);
    }
    default: {
      const unknown: { type?: string } = source;
      throw new Error(`source type "${String(unknown.type)}" is not available in this build`);
    }
  }
}
