/** Snowflake source: catalog-based change detection, one-scan profiles, EXPLAIN-based cost estimates. */
import type { Granularity, SnowflakeSourceConfig, TableConfig } from '../../src/config/index.js';
import { watermarkLowerBound } from '../../src/planner/watermark.js';
import type {
  Row,
  ScanEstimate,
  ScanSource,
  SourceConnector,
  SourceTable,
  TableSnapshot,
  WarehouseClient,
} from '../../src/connectors/types.js';
import { discoveredTable, snapshotOf } from '../../src/connectors/source-table.js';
import { SnowflakeDialect } from './dialect.js';
import {
  type CatalogName,
  LIST_TABLES_SQL,
  WHOLE_TABLE,
  catalogSql,
  groupCatalog,
  resolve,
  tableError,
  toSnapshot,
} from './catalog.js';

const NULL_BUCKET = '__NULL__';

export async function createConnector(source: SnowflakeSourceConfig): Promise<SourceConnector> {
  const { SnowflakeClient } = await import('./client.js');
  return new SnowflakeConnector(await SnowflakeClient.open(source), source);
}

export class SnowflakeConnector implements SourceConnector {
  readonly type = 'snowflake';
  readonly dialect = new SnowflakeDialect();
  /** Catalog spelling of each table seen by the last snapshot, so scans quote what the catalog holds. */
  private readonly resolved = new Map<string, CatalogName>();

  constructor(
    readonly client: WarehouseClient,
    private readonly source: Pick<SnowflakeSourceConfig, 'schema'>,
  ) {}

  async listTables(configured: TableConfig[]): Promise<SourceTable[]> {
    if (configured.length > 0) return configured.map((config) => ({ config, name: config.name }));
    const rows = await this.client.query(LIST_TABLES_SQL, { kind: 'metadata' });
    return rows.map((r) => discoveredTable(r.table_schema, r.table_name));
  }

  async snapshot(table: SourceTable): Promise<TableSnapshot> {
    return snapshotOf(await this.snapshotAll([table]), table);
  }

  /** One catalog query per schema, whatever the number of tables in it. */
  async snapshotAll(tables: SourceTable[]): Promise<Map<string, TableSnapshot | Error>> {
    const out = new Map<string, TableSnapshot | Error>();
    const bySchema = new Map<string, SourceTable[]>();
    for (const t of tables) {
      const schema = this.wanted(t).schema;
      bySchema.set(schema, [...(bySchema.get(schema) ?? []), t]);
    }
    for (const [schema, group] of bySchema) {
      try {
        const sql = catalogSql(this.dialect, schema, group.map((t) => this.wanted(t).table));
        const rows = await this.client.query(sql, { kind: 'metadata', table: group.length === 1 ? group[0].name : undefined });
        const found = groupCatalog(rows, this.dialect);
        const takenAt = new Date().toISOString();
        for (const t of group) {
          const hit = resolve(found, this.wanted(t));
          if (!hit) {
            out.set(t.name, tableError(t, this.wanted(t)));
            continue;
          }
          this.resolved.set(t.name, hit.name);
          out.set(t.name, toSnapshot(hit, takenAt));
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
    const name = this.resolved.get(table.name) ?? this.wanted(table);
    const base = d.qualify(name.schema, name.table);
    const part = table.config.partition;
    if (!part) {
      const relation = partitions && !partitions.includes(WHOLE_TABLE) ? `(SELECT * FROM ${base} WHERE 1 = 0) AS __scope` : base;
      return { relation, partitionId: () => WHOLE_TABLE };
    }
    // Watermark buckets of a column: ids are `key=<bucket text>`, as for DuckDB tables. The key is quoted as
    // configured, so it must be spelled as the catalog spells it (the executor's watermark filter quotes it too).
    const column = d.quoteIdent(part.key);
    const type = snapshot.columns.find((c) => c.name === part.key)?.type.toUpperCase() ?? '';
    // Zoned keys are bucketed by their UTC instant, the frame of the watermark bounds.
    const zoned = type.startsWith('TIMESTAMP_TZ') || type.startsWith('TIMESTAMP_LTZ');
    const expr = d.partitionText(zoned ? `CONVERT_TIMEZONE('UTC', ${column})` : column, part.granularity);
    const prefix = `${part.key}=`;
    let relation = base;
    if (partitions) {
      const values = partitions.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
      const conds = values.map((v) => bucketFilter(d, column, v, part.granularity));
      relation = `(SELECT * FROM ${base} WHERE ${conds.length ? conds.join(' OR ') : '1 = 0'}) AS __scope`;
    }
    return { relation, partitionExpr: expr, partitionId: (v) => `${prefix}${v ?? NULL_BUCKET}` };
  }

  /**
   * EXPLAIN compiles the scan without running it (no warehouse credits): bytesAssigned is what survives pruning.
   * Rows are not in the plan; they are scaled from ROW_COUNT by the share of micro-partitions assigned.
   */
  async estimateScan(table: SourceTable, snapshot: TableSnapshot, partitions?: string[]): Promise<ScanEstimate> {
    const source = this.scanSource(table, snapshot, partitions);
    const rows = await this.client.query(explainSql(source.relation), { kind: 'metadata', table: table.name });
    const plan = parseExplain(rows);
    const share = plan.partitionsTotal ? (plan.partitionsAssigned ?? plan.partitionsTotal) / plan.partitionsTotal : undefined;
    return {
      ...(plan.bytesAssigned !== undefined ? { bytes: plan.bytesAssigned } : {}),
      ...(snapshot.rowCount !== undefined && share !== undefined ? { rows: Math.round(snapshot.rowCount * share) } : {}),
    };
  }

  private wanted(table: SourceTable): CatalogName {
    return { schema: table.config.schema ?? this.source.schema ?? 'PUBLIC', table: table.config.table ?? table.name };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** A bucket as a range of the raw column, so Snowflake can prune micro-partitions on their min/max. */
function bucketFilter(d: SnowflakeDialect, column: string, value: string, granularity?: Granularity): string {
  if (value === NULL_BUCKET) return `${column} IS NULL`;
  const end = granularity ? watermarkLowerBound(value, granularity, -1) : null;
  if (!granularity || end === null) return `CAST(${column} AS VARCHAR) = ${d.literal(value)}`;
  return `(${column} >= ${d.timestampLiteral(value)} AND ${column} < ${d.timestampLiteral(end)})`;
}

/**
 * `EXPLAIN USING JSON` output: one row whose single column holds the plan as JSON, with
 * `GlobalStats: {partitionsTotal, partitionsAssigned, bytesAssigned}` after compile-time pruning
 * (https://docs.snowflake.com/en/sql-reference/sql/explain).
 */
interface ExplainStats {
  partitionsTotal?: number;
  partitionsAssigned?: number;
  bytesAssigned?: number;
}

function explainSql(relation: string): string {
  return `EXPLAIN USING JSON SELECT * FROM ${relation}`;
}

function parseExplain(rows: Row[]): ExplainStats {
  const first = rows[0];
  if (!first) throw new Error('EXPLAIN returned no rows');
  const cell = Object.values(first)[0];
  const plan = (typeof cell === 'string' ? JSON.parse(cell) : cell) as { GlobalStats?: Record<string, unknown> } | null;
  const stats = plan?.GlobalStats;
  if (!stats || typeof stats !== 'object') throw new Error('EXPLAIN output has no GlobalStats');
  const pick = (k: string) => {
    const n = Number(stats[k]);
    return stats[k] !== undefined && Number.isFinite(n) ? n : undefined;
  };
  return compact({
    partitionsTotal: pick('partitionsTotal'),
    partitionsAssigned: pick('partitionsAssigned'),
    bytesAssigned: pick('bytesAssigned'),
  });
}

function compact(s: ExplainStats): ExplainStats {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as ExplainStats;
}
