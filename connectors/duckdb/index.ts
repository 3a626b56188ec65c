/** DuckDB source: tables of a DuckDB database file and Hive-partitioned Parquet folders. */
import { existsSync, statSync } from 'node:fs';
import type { SourceConfig, TableConfig } from '../../src/config/index.js';
import type {
  ColumnInfo,
  KnownPartitions,
  KnownRowCounts,
  PartitionFact,
  ScanSource,
  SourceConnector,
  SourceTable,
  TableSnapshot,
} from '../../src/connectors/types.js';
import { discoveredTable, snapshotOf } from '../../src/connectors/source-table.js';
import { snapshotIds } from '../../src/connectors/snapshot-id.js';
import { DuckDBClient } from './client.js';
import { DuckDBDialect } from './dialect.js';
import { readManifest, hiveKeys, ROOT_PARTITION } from './parquet-manifest.js';

/** Virtual column carrying each Parquet row's file path; named so it cannot collide with user columns. */
const FILE_COLUMN = '__baselinr_file';
const FILE_INDEX_COLUMN = '__baselinr_file_index';
const WHOLE_TABLE = '__all__';

export async function createConnector(
  source: Extract<SourceConfig, { type: 'duckdb' }>,
  opts: { readOnly?: boolean } = {},
): Promise<SourceConnector> {
  const exists = source.path === ':memory:' || existsSync(source.path);
  // `plan` and `show` write nothing, not even an empty database file.
  if (!exists && opts.readOnly) throw new Error(`DuckDB database not found: ${source.path}`);
  // Profiling only reads: open an existing database read-only so loaders are not locked out of writing.
  const readOnly = source.path !== ':memory:' && exists;
  const client = await DuckDBClient.open(source.path, { threads: source.threads, readOnly });
  return new DuckDBConnector(client, source.path === ':memory:' ? undefined : source.path);
}

/**
 * Every committed DuckDB write lands in the database file or its WAL, so an unchanged (size, mtime) of both
 * proves that no table in the file changed. It cannot say WHICH table changed, so any write re-profiles all.
 */
function databaseFingerprint(path: string): string {
  const part = (p: string) => {
    try {
      const st = statSync(p);
      return `${st.size}:${Math.trunc(st.mtimeMs)}`;
    } catch {
      return 'absent';
    }
  };
  return `${part(path)}|${part(`${path}.wal`)}`;
}

export class DuckDBConnector implements SourceConnector {
  readonly type = 'duckdb';
  readonly dialect = new DuckDBDialect();

  constructor(
    readonly client: DuckDBClient,
    private readonly databasePath?: string,
  ) {}

  async listTables(configured: TableConfig[]): Promise<SourceTable[]> {
    if (configured.length > 0) return configured.map((config) => ({ config, name: config.name }));
    const rows = await this.client.query(
      `SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal AND NOT temporary ORDER BY 1, 2`,
      { kind: 'metadata' },
    );
    return rows.map((r) => discoveredTable(r.schema_name, r.table_name));
  }

  async snapshot(table: SourceTable): Promise<TableSnapshot> {
    return snapshotOf(await this.snapshotAll([table]), table);
  }

  /** Database tables in two catalog queries however many there are; Parquet datasets from their folders. */
  async snapshotAll(tables: SourceTable[], known?: KnownPartitions): Promise<Map<string, TableSnapshot | Error>> {
    const out = new Map<string, TableSnapshot | Error>();
    const dbTables = tables.filter((t) => t.config.kind !== 'parquet');
    if (dbTables.length > 0) {
      const facts = await this.client.query(
        `SELECT schema_name, table_name, estimated_size FROM duckdb_tables() WHERE NOT temporary`,
        { kind: 'metadata' },
      );
      const cols = await this.client.query(
        `SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() WHERE NOT internal ORDER BY schema_name, table_name, column_index`,
        { kind: 'metadata' },
      );
      const key = (schema: unknown, name: unknown) => `${String(schema)}\0${String(name)}`;
      const sizes = new Map(facts.map((r) => [key(r.schema_name, r.table_name), Number(r.estimated_size ?? 0)]));
      const columns = new Map<string, ColumnInfo[]>();
      for (const r of cols) {
        const k = key(r.schema_name, r.table_name);
        columns.set(k, [...(columns.get(k) ?? []), this.column(String(r.column_name), String(r.data_type))]);
      }
      // The database file is the only modification signal DuckDB has (an in-memory database has none).
      const file = this.databasePath ? databaseFingerprint(this.databasePath) : 'memory';
      for (const t of dbTables) {
        const k = key(t.config.schema ?? 'main', t.config.table ?? '');
        const rowCount = sizes.get(k);
        if (rowCount === undefined) {
          out.set(t.name, new Error(`table ${t.name} does not exist in the DuckDB database`));
          continue;
        }
        const cs = columns.get(k) ?? [];
        const whole: PartitionFact = { id: WHOLE_TABLE, rowCount, fingerprint: `${file}|${rowCount}` };
        const ids = snapshotIds(cs, [whole]);
        out.set(t.name, { ...ids, exact: this.databasePath !== undefined, columns: cs, partitions: [], rowCount, takenAt: now() });
      }
    }
    for (const t of tables.filter((x) => x.config.kind === 'parquet')) {
      try {
        out.set(t.name, await this.parquetSnapshot(t, known?.get(t.name)));
      } catch (err) {
        out.set(t.name, err instanceof Error ? err : new Error(String(err)));
      }
    }
    return out;
  }

  private async parquetSnapshot(table: SourceTable, known?: KnownRowCounts): Promise<TableSnapshot> {
    const root = table.config.parquetPath ?? '';
    const partitions = readManifest(root);
    if (partitions.length === 0) throw new Error(`parquet dataset ${table.name} has no .parquet files under ${root}`);
    // DESCRIBE reads Parquet footers only. Hive keys are typed once, here, over every file, so a partial scan of
    // a few files cannot infer a different type than a full one.
    const rows = await this.client.query(
      `DESCRIBE SELECT * FROM ${this.parquetRelation(partitions, undefined)}`,
      { kind: 'metadata', table: table.name },
    );
    const columns = rows
      .filter((r) => r.column_name !== FILE_COLUMN)
      .map((r) => this.column(String(r.column_name), String(r.column_type)));
    await this.addRowCounts(table, partitions, known);
    const bytes = partitions.reduce((s, p) => s + (p.bytes ?? 0), 0);
    const rowCount = partitions.every((p) => p.rowCount !== undefined) ? partitions.reduce((s, p) => s + (p.rowCount ?? 0), 0) : undefined;
    return { ...snapshotIds(columns, partitions), exact: true, columns, partitions, bytes, rowCount, takenAt: now() };
  }

  /**
   * Row counts from Parquet footers (metadata, no data pages): what cost caps and estimates use. A partition
   * whose fingerprint (every file's path, size and mtime) is the stored one keeps its stored count.
   */
  private async addRowCounts(table: SourceTable, partitions: PartitionFact[], known?: KnownRowCounts): Promise<void> {
    const d = this.dialect;
    for (const p of partitions) {
      const k = known?.get(p.id);
      if (k?.fingerprint === p.fingerprint) p.rowCount = k.rowCount;
    }
    const unknown = partitions.filter((p) => p.rowCount === undefined);
    if (unknown.length === 0) return;
    const files = unknown.flatMap((p) => p.files ?? []).map((f) => d.literal(f.path));
    const rows = await this.client.query(
      `SELECT file_name, num_rows FROM parquet_file_metadata([${files.join(', ')}])`,
      { kind: 'metadata', table: table.name },
    );
    const perFile = new Map(rows.map((r) => [String(r.file_name), Number(r.num_rows)]));
    for (const p of unknown) {
      const counts = (p.files ?? []).map((f) => perFile.get(f.path));
      if (counts.every((n) => n !== undefined)) p.rowCount = counts.reduce((s, n) => s + (n ?? 0), 0);
    }
  }

  scanSource(table: SourceTable, snapshot: TableSnapshot, partitions?: string[]): ScanSource {
    const d = this.dialect;
    const c = table.config;
    if (c.kind === 'parquet') {
      const wanted = partitions ? new Set(partitions) : undefined;
      const selected = snapshot.partitions.filter((p) => !wanted || wanted.has(p.id));
      const root = (c.parquetPath ?? '').replace(/\/+$/, '');
      const hiveTypes = Object.fromEntries(snapshot.columns.map((col) => [col.name, col.type]));
      const relation = this.parquetRelation(selected, hiveTypes);
      if (!snapshot.columns.some((col) => col.name === 'file_index' || col.name === FILE_INDEX_COLUMN) && selected.length > 0) {
        // Group by a small integer looked up from DuckDB's `file_index` (position in the file list) instead of
        // a per-row regexp over the file name: integer keys make every GROUP BY of the scan cheaper. The
        // virtual column is not part of `*`, so it is projected by name for wrappers (dedupe, sample) to keep.
        // With one file per partition the position is the partition: a per-row list lookup cost ~14 % of the
        // scan's CPU (it runs in every per-column pipeline).
        const ordinals = selected.flatMap((p, i) => (p.files ?? []).map(() => i));
        const index = d.quoteIdent(FILE_INDEX_COLUMN);
        const direct = ordinals.every((o, i) => o === i) && ordinals.length === selected.length;
        return {
          relation: `(SELECT *, file_index AS ${index} FROM ${relation})`,
          partitionExpr: direct ? index : `[${ordinals.join(', ')}][CAST(${index} AS BIGINT) + 1]`,
          partitionId: (v) => {
            const p = v === null ? undefined : selected[Number(v)];
            if (!p) throw new Error(`scan returned an unknown partition position: ${v}`);
            return p.id;
          },
        };
      }
      // A data column named `file_index` hides the virtual column: fall back to the directory of each row's file.
      return {
        relation,
        partitionExpr: `regexp_extract(${d.quoteIdent(FILE_COLUMN)}, '^(.*)/[^/]*$', 1)`,
        partitionId: (dir) => (dir === null || dir === root ? ROOT_PARTITION : dir.slice(root.length + 1)),
      };
    }
    const relation = d.qualify(c.schema ?? 'main', c.table ?? '');
    if (!c.partition) return { relation, partitionId: () => WHOLE_TABLE };
    const key = c.partition.key;
    const granularity = c.partition.granularity;
    // Grouping by the raw key is the same grouping as by its text, except for floats (-0 and 0 are one value
    // but two texts): those keep the text.
    const raw = snapshot.columns.find((col) => col.name === key)?.kind !== 'float';
    return {
      relation,
      ...(raw
        ? { partitionExpr: d.partitionKey(d.quoteIdent(key), granularity), partitionLabel: (x: string) => d.partitionText(x, granularity) }
        : { partitionExpr: d.partitionText(d.quoteIdent(key), granularity) }),
      // `key IS NULL` cannot collide with any value's id (`key=<text>`), not even the text '__NULL__'.
      partitionId: (v) => (v === null ? `${key} IS NULL` : `${key}=${v}`),
    };
  }

  async alignScan(table: SourceTable, snapshot: TableSnapshot, source: ScanSource): Promise<ScanSource> {
    if (table.config.kind !== 'parquet' || source.relation.includes('read_parquet([]')) return source;
    // The scanned files may predate a column or store it with another type than the union of all files.
    const rows = await this.client.query(`DESCRIBE SELECT * FROM ${source.relation}`, { kind: 'metadata', table: table.name });
    const present = new Map(rows.map((r) => [String(r.column_name), String(r.column_type)]));
    const d = this.dialect;
    const columnExprs = new Map<string, string>();
    for (const c of snapshot.columns) {
      const t = present.get(c.name);
      if (t === c.type) continue;
      columnExprs.set(c.name, t === undefined ? `CAST(NULL AS ${c.type})` : `CAST(${d.quoteIdent(c.name)} AS ${c.type})`);
    }
    return columnExprs.size ? { ...source, columnExprs } : source;
  }

  private parquetRelation(partitions: PartitionFact[], hiveTypes: Record<string, string> | undefined): string {
    const d = this.dialect;
    const files = partitions.flatMap((p) => p.files ?? []).map((f) => d.literal(f.path));
    const keys = new Set(partitions.flatMap((p) => hiveKeys(p.id).map(([k]) => k)));
    const typed = [...keys].filter((k) => hiveTypes?.[k]).map((k) => `${d.literal(k)}: ${d.literal(hiveTypes![k])}`);
    const opts = [
      `hive_partitioning = ${keys.size > 0}`,
      'union_by_name = true',
      `filename = ${d.literal(FILE_COLUMN)}`,
      ...(typed.length ? [`hive_types = {${typed.join(', ')}}`] : []),
    ];
    return `read_parquet([${files.join(', ')}], ${opts.join(', ')})`;
  }

  private column(name: string, type: string): ColumnInfo {
    return { name, type, kind: this.dialect.columnKind(type) };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function now(): string {
  return new Date().toISOString();
}

export { FILE_COLUMN };
