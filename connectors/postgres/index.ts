/**
 * PostgreSQL source: change detection from statistics counters and the catalog (one query per schema), native
 * partitions from declarative partitioning, profiling scans pushed down as one aggregate query.
 */
import type { PostgresSourceConfig, TableConfig } from '../../src/config/index.js';
import type { ScanSource, SourceConnector, SourceTable, TableSnapshot } from '../../src/connectors/types.js';
import { discoveredTable, snapshotOf } from '../../src/connectors/source-table.js';
import { PostgresClient } from './client.js';
import { catalogQuery, parseCatalog } from './catalog.js';
import { detect, WHOLE_TABLE, type Detected } from './detector.js';
import { PostgresDialect } from './dialect.js';
import { DEFAULT_SKETCH_MEMORY_MB, partitionedRelation } from './partition-scan.js';

export async function createConnector(source: PostgresSourceConfig): Promise<SourceConnector> {
  const client = await PostgresClient.open(source);
  return new PostgresConnector(client, source.schema ?? 'public', (source.sketchMemoryMb ?? DEFAULT_SKETCH_MEMORY_MB) * 2 ** 20);
}

export class PostgresConnector implements SourceConnector {
  readonly type = 'postgres';
  readonly dialect = new PostgresDialect();
  /** The last detection per table: where each partition's rows live, for `scanSource`. */
  private readonly detected = new Map<string, Detected>();

  constructor(
    readonly client: PostgresClient,
    private readonly defaultSchema: string,
    /** Bytes of server memory per-partition sketch grouping may take (see `partitionedRelation`). */
    private readonly sketchMemoryBytes: number,
  ) {}

  async listTables(configured: TableConfig[]): Promise<SourceTable[]> {
    if (configured.length > 0) return configured.map((config) => ({ config, name: config.name }));
    // Partitions are profiled as parts of their parent, and baselinr's own state tables are not user data.
    const rows = await this.client.query(
      `SELECT n.nspname AS schema_name, c.relname AS table_name
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname NOT LIKE 'baselinr\\_%'
  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY 1, 2`,
      { kind: 'metadata' },
    );
    return rows.map((r) => discoveredTable(r.schema_name, r.table_name));
  }

  async snapshot(table: SourceTable): Promise<TableSnapshot> {
    return snapshotOf(await this.snapshotAll([table]), table);
  }

  async snapshotAll(tables: SourceTable[]): Promise<Map<string, TableSnapshot | Error>> {
    const out = new Map<string, TableSnapshot | Error>();
    const bySchema = new Map<string, SourceTable[]>();
    for (const t of tables) {
      if (t.config.kind !== 'table' || !t.config.table) {
        out.set(t.name, new Error(`${t.name}: a postgres source profiles tables; Parquet datasets need a duckdb source`));
        continue;
      }
      const schema = t.config.schema ?? this.defaultSchema;
      bySchema.set(schema, [...(bySchema.get(schema) ?? []), t]);
    }
    for (const [schema, group] of bySchema) {
      try {
        const names = [...new Set(group.map((t) => t.config.table!))];
        const rows = await this.client.query(catalogQuery(this.dialect, schema, names), { kind: 'metadata' });
        const { server, tables: found } = parseCatalog(rows);
        for (const t of group) {
          const cat = found.get(t.config.table!);
          if (!cat) {
            out.set(t.name, new Error(`table ${t.name} does not exist in the PostgreSQL database`));
            continue;
          }
          const table = { ...t, config: { ...t.config, schema } };
          const detected = detect(table, cat, server, this.dialect);
          this.detected.set(t.name, detected);
          out.set(t.name, detected.snapshot);
        }
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        for (const t of group) out.set(t.name, e);
      }
    }
    return out;
  }

  scanSource(table: SourceTable, snapshot: TableSnapshot, partitions?: string[]): ScanSource {
    const d = this.dialect;
    const c = table.config;
    const schema = c.schema ?? this.defaultSchema;
    const parent = d.qualify(schema, c.table ?? '');
    const detected = this.detected.get(table.name);
    if (snapshot.partitions.length > 0 || detected?.partitioned) {
      const ids = partitions ?? snapshot.partitions.map((p) => p.id);
      const refs = ids.map((id) => ({ id, ref: detected?.leaves.get(id) ?? { schema, name: id, readable: true } }));
      return partitionedRelation(d, parent, snapshot.columns, refs, this.sketchMemoryBytes);
    }
    if (!c.partition) return { relation: parent, partitionId: () => WHOLE_TABLE };
    const key = c.partition.key;
    return {
      relation: parent,
      partitionExpr: d.partitionText(d.quoteIdent(key), c.partition.granularity),
      partitionId: (v) => `${key}=${v ?? '__NULL__'}`,
    };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
