/**
 * A CDC history as Parquet (`record_set`, primary key + `updated_at` ordering): every change of a record appends
 * a new version. Two layouts: `batch=N/` folders per loader run, so a key's versions spread over partitions; and
 * `region=N/` folders with the region in the primary key, so all versions of a key share one partition.
 * The oracle is the deduplicated table itself (latest version per key) written as plain Parquet: the record
 * set's profile must equal a full profile of it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBClient } from '../../connectors/duckdb/client.js';
import type { ExpectedDecision } from '../helpers/differential.js';
import { Lake, type LakeRow } from './parquet-lake.js';
import { MODES, pick, randInt, value } from './values.js';

export type Layout = 'batch' | 'region';
const COLUMNS = [
  { name: 'id', type: 'BIGINT' }, { name: 'updated_at', type: 'BIGINT' }, { name: 'status', type: 'VARCHAR' },
  { name: 'amount', type: 'DECIMAL(18,2)' }, { name: 'score', type: 'DOUBLE' },
];

export class RecordSet {
  readonly lake: Lake;
  readonly oracle: Lake;
  private version = 0;
  private ids = 0;
  private nextPartition = 0;
  /** Which partition a key lives in (region layout only: there a key never moves). */
  private home = new Map<string, string>();

  constructor(dir: string, writer: DuckDBClient, readonly layout: Layout, readonly rand: () => number) {
    this.lake = new Lake(join(dir, 'accounts'), writer, rand);
    this.oracle = new Lake(join(dir, 'current'), writer, rand);
    this.lake.columns = COLUMNS;
  }

  private newPartition(): string {
    return `${this.layout}=${this.nextPartition++}`;
  }

  /** Every key present anywhere, and its latest version (with the partition that version sits in). */
  current(): Map<string, { row: LakeRow; partition: string }> {
    const latest = new Map<string, { row: LakeRow; partition: string }>();
    for (const f of this.lake.files.values()) {
      for (const row of f.rows) {
        const seen = latest.get(row[0]!);
        if (!seen || Number(row[1]) > Number(seen.row[1])) latest.set(row[0]!, { row, partition: f.partition });
      }
    }
    return latest;
  }

  /** New versions of some existing keys (where the layout allows them) plus new keys, as one file in `partition`. */
  private async load(partition: string): Promise<number> {
    const keys = [...this.current().keys()].filter((k) => this.layout === 'batch' || this.home.get(k) === partition);
    const updated = keys.filter(() => this.rand() < 0.35);
    const created = Array.from({ length: randInt(this.rand, 0, 40) }, () => String(++this.ids));
    const mode = pick(this.rand, MODES);
    const rows = [...updated, ...created, ...updated.filter(() => this.rand() < 0.3)].map((id) => {
      this.home.set(id, partition);
      return [id, String(++this.version), ...COLUMNS.slice(2).map((c) => value(c.type, mode, this.rand))];
    });
    await this.lake.addFile(partition, rows);
    return rows.length;
  }

  async seed(): Promise<void> {
    for (let i = randInt(this.rand, 3, 5); i > 0; i--) await this.load(this.newPartition());
  }

  async change(): Promise<string> {
    const r = this.rand();
    const parts = this.lake.partitions();
    if (r < 0.45) {
      const p = this.layout === 'batch' || this.rand() < 0.3 ? this.newPartition() : pick(this.rand, parts);
      return `load ${await this.load(p)} versions into ${p}`;
    }
    if (r < 0.65) {
      const p = pick(this.rand, parts);
      return `late file of ${await this.load(p)} versions in ${p}`;
    }
    if (r < 0.85 && parts.length > 2) {
      // Retention: the oldest partition goes, so keys fall back to older versions kept elsewhere (or vanish).
      this.lake.deletePartition(parts[0]);
      return `drop ${parts[0]}`;
    }
    return 'no change';
  }

  /** Writes the deduplicated table, with the partition key as an ordinary column, where the oracle reads it. */
  async writeOracle(): Promise<void> {
    for (const f of [...this.oracle.files.values()]) this.oracle.deleteFile(f);
    rmSync(this.oracle.root, { recursive: true, force: true });
    const rows = [...this.current().values()].map(({ row, partition }) => [...row, partition.split('=')[1]]);
    await this.oracle.addFile('.', rows, [...COLUMNS, { name: this.layout, type: 'BIGINT' }]);
  }

  expected(): ExpectedDecision {
    const e = this.lake.expected(64);
    // rows_scanned of a record set counts versions or current records depending on where it is measured.
    const base = { ...e, rowsScanned: undefined };
    if (e.decision !== 'partial' || this.layout === 'region') return base;
    // Versions of a key sit in several batches: only a full run can tell which one is current.
    return { decision: 'full', reason: 'snapshot_changed' };
  }
}
