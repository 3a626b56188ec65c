/** BigQuery source: partition-level change detection from INFORMATION_SCHEMA, one-scan profiles, dry-run costs. */
import type { BigquerySourceConfig, TableConfig } from '../../src/config/index.js';
import type {
  ScanEstimate,
  ScanSource,
  SourceConnector,
  SourceTable,
  TableSnapshot,
  WarehouseClient,
} from '../../src/connectors/types.js';
import { discoveredTable, snapshotOf } from '../../src/connectors/source-table.js';
import { buildScanQuery } from '../../src/profiler/scan-query.js';
import { BigQueryDialect } from './dialect.js';
import { MAX_TABLES_PER_QUERY, WHOLE_TABLE, catalogSql, listTablesSql, toEntry } from './catalog.js';
import { INGESTION_COLUMN, type Layout, NULL_ID, partitionFilter, partitionIdExpr } from './partitions.js';
import type { BigQueryClientOptions } from './client.js';

/** What the connector needs from its client: queries, plus dry runs for cost estimates. */
export interface BigQueryWarehouseClient extends WarehouseClient {
  dryRun(sql: string, table?: string): Promise<number>;
}

export async function createConnector(source: BigquerySourceConfig, opts: BigQueryClientOptions = {}): Promise<SourceConnector> {
  const { BigQueryClient } = await import('./client.js');
  return new BigQueryConnector(await BigQueryClient.open(source, opts), source);
}

export class BigQueryConnector implements SourceConnector {
  readonly type = 'bigquery';
  readonly dialect = new BigQueryDialect();
  /** Partition layout of each table seen by the last snapshot: scans map partition ids with it. */
  private readonly layouts = new Map<string, Layout>();

  constructor(
    readonly client: BigQueryWarehouseClient,
    private readonly source: Pick<BigquerySourceConfig, 'projectId' | 'dataset' | 'location'>,
  ) {}

  async listTables(configured: TableConfig[]): Promise<SourceTable[]> {
    if (configured.length > 0) return configured.map((config) => ({ config, name: config.name }));
    const scope = this.source.dataset ?? (this.source.location ? `region-${this.source.location.toLowerCase()}` : undefined);
    if (!scope) throw new Error('listing BigQuery tables needs source.dataset or source.location (or configure profiling.tables)');
    const rows = await this.client.query(listTablesSql(this.source.projectId, scope), { kind: 'metadata' });
    return rows.map((r) => discoveredTable(r.table_schema, r.table_name));
  }

  async snapshot(table: SourceTable): Promise<TableSnapshot> {
    return snapshotOf(await this.snapshotAll([table]), table);
  }

  /** One catalog query per dataset (per 1000 tables), one result row per table. */
  async snapshotAll(tables: SourceTable[]): Promise<Map<string, TableSnapshot | Error>> {
    const out = new Map<string, TableSnapshot | Error>();
    const byDataset = new Map<string, SourceTable[]>();
    for (const t of tables) byDataset.set(this.dataset(t), [...(byDataset.get(this.dataset(t)) ?? []), t]);
    for (const [dataset, all] of byDataset) {
      for (let i = 0; i < all.length; i += MAX_TABLES_PER_QUERY) {
        const group = all.slice(i, i + MAX_TABLES_PER_QUERY);
        try {
          const sql = catalogSql(this.dialect, this.source.projectId, dataset, group.map((t) => t.config.table ?? t.name));
          const rows = await this.client.query(sql, { kind: 'metadata', table: group.length === 1 ? group[0].name : undefined });
          const byName = new Map(rows.map((r) => [String(r.table_name), r]));
          const takenAt = new Date().toISOString();
          for (const t of group) {
            const row = byName.get(t.config.table ?? t.name);
            if (!row) {
              out.set(t.name, new Error(`table ${t.name} does not exist or is not visible to the credentials`));
              continue;
            }
            const { snapshot, layout } = toEntry(row, this.dialect, takenAt);
            this.layouts.set(t.name, layout);
            out.set(t.name, snapshot);
          }
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          for (const t of group) out.set(t.name, e);
        }
      }
    }
    return out;
  }

  scanSource(table: SourceTable, snapshot: TableSnapshot, partitions?: string[]): ScanSource {
    const d = this.dialect;
    const base = d.qualify(this.source.projectId, this.dataset(table), table.config.table ?? table.name);
    const layout = this.layouts.get(table.name);
    if (!layout) throw new Error(`no partition layout known for ${table.name}: its snapshot was not taken by this connector`);
    if (layout.kind === 'column' || layout.kind === 'ingestion') {
      // The pseudo-column is not part of SELECT *, so the scope carries it out under a name of its own.
      const extra = layout.kind === 'ingestion' ? `, _PARTITIONTIME AS ${d.quoteIdent(INGESTION_COLUMN)}` : '';
      const where = partitions ? `\n    WHERE ${partitionFilter(d, layout, partitions)}` : '';
      const relation = extra || where ? `(SELECT *${extra} FROM ${base}${where}) AS __scope` : base;
      return { relation, partitionExpr: partitionIdExpr(d, layout), partitionId: (v) => v ?? NULL_ID };
    }
    if (table.config.partition) {
      // Watermark buckets of a column on a table without native partitions: ids `key=<bucket text>`.
      const key = table.config.partition.key;
      const expr = d.partitionText(d.quoteIdent(key), table.config.partition.granularity);
      return { relation: this.whole(base, partitions), partitionExpr: expr, partitionId: (v) => `${key}=${v ?? NULL_ID}` };
    }
    return { relation: this.whole(base, partitions), partitionId: () => WHOLE_TABLE };
  }

  /**
   * The dry run prices the statement the scan would run, over exactly the scope to scan (pruned partitions are
   * not billed, so they are not counted). Rows come from the partitions' total_rows.
   */
  async estimateScan(table: SourceTable, snapshot: TableSnapshot, partitions?: string[]): Promise<ScanEstimate> {
    const sql = buildScanQuery(this.dialect, this.scanSource(table, snapshot, partitions), snapshot.columns, { hll: false });
    const bytes = await this.client.dryRun(sql, table.name);
    let rows = snapshot.rowCount;
    if (partitions) {
      const wanted = new Set(partitions);
      const facts = snapshot.partitions.filter((p) => wanted.has(p.id));
      const known = facts.length === wanted.size && facts.every((p) => p.rowCount !== undefined);
      rows = known ? facts.reduce((s, p) => s + (p.rowCount ?? 0), 0) : undefined;
    }
    return { bytes, ...(rows !== undefined ? { rows } : {}) };
  }

  /**
   * Tables scanned whole: a scope without the whole-table id reads nothing, except a scope of watermark bucket
   * ids (`key=…`), which are virtual and narrowed by the executor's own watermark filter.
   */
  private whole(base: string, partitions?: string[]): string {
    if (!partitions || partitions.includes(WHOLE_TABLE) || partitions.some((p) => p.includes('='))) return base;
    return `(SELECT * FROM ${base} WHERE FALSE) AS __scope`;
  }

  private dataset(table: SourceTable): string {
    const ds = table.config.schema ?? this.source.dataset;
    if (!ds) throw new Error(`table ${table.name} has no dataset`);
    return ds;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
