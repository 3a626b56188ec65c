/**
 * A Hive-partitioned Parquet folder (`part=N/fK.parquet`) and the model of what it holds: each file's columns,
 * types and rows, and which partitions changed since the last incremental run — from which the decision the
 * planner must take is derived without asking the product anything.
 */
import { mkdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBClient } from '../../connectors/duckdb/client.js';
import type { ExpectedDecision } from '../helpers/differential.js';
import { ident, typed, value, type Mode } from './values.js';

export interface LakeColumn {
  name: string;
  type: string;
}
export type LakeRow = Array<string | null>;
export interface LakeFile {
  path: string;
  partition: string;
  columns: LakeColumn[];
  rows: LakeRow[];
}

/**
 * How partition folders are named: one integer key, a date key (typed DATE by Hive inference), text values with
 * spaces and unicode, or two levels (`part=N/sub=M`, one partition per leaf folder).
 */
export type Scheme = 'int' | 'date' | 'text' | 'nested';
export const SCHEMES: Scheme[] = ['int', 'int', 'date', 'text', 'nested'];
const PLACES = ['eu-west-', 'São Paulo ', 'Zürich_', '東京', 'a b '];

/** Fake mtimes strictly increase, so a rewrite is always visible whatever the filesystem's granularity. */
const EPOCH_S = Date.UTC(2021, 0, 1) / 1000;
const WIDER: Record<string, string> = { 'INTEGER|BIGINT': 'BIGINT', 'FLOAT|DOUBLE': 'DOUBLE' };

export class Lake {
  readonly files = new Map<string, LakeFile>();
  /** The columns new files are written with, in the order every file keeps (older files hold a prefix). */
  columns: LakeColumn[] = [
    { name: 'id', type: 'BIGINT' }, { name: 'qty', type: 'INTEGER' }, { name: 'amount', type: 'DECIMAL(18,2)' },
    { name: 'score', type: 'DOUBLE' }, { name: 'ratio', type: 'FLOAT' }, { name: 'label', type: 'VARCHAR' },
    { name: 'ts', type: 'TIMESTAMP' }, { name: 'flag', type: 'BOOLEAN' },
  ];
  private tick = 0;
  private fileNo = 0;
  private nextId = 1;
  nextPart = 0;
  private touched = new Set<string>();
  private profiled = { schema: '', partitions: new Set<string>() };

  constructor(readonly root: string, private readonly writer: DuckDBClient, readonly rand: () => number, readonly scheme: Scheme = 'int') {}

  /** The folder of the n-th partition ever created (ids are reused only on purpose, by the caller). */
  partitionName(n: number): string {
    switch (this.scheme) {
      case 'int':
        return `part=${n}`;
      case 'date':
        return `day=${new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10)}`;
      case 'text':
        return `region=${PLACES[n % PLACES.length]}${n}`;
      case 'nested':
        return `part=${Math.floor(n / 3)}/sub=${n % 3}`;
    }
  }

  partitions(): string[] {
    return [...new Set([...this.files.values()].map((f) => f.partition))].sort();
  }

  filesIn(partition: string): LakeFile[] {
    return [...this.files.values()].filter((f) => f.partition === partition);
  }

  rowCount(partitions = this.partitions()): number {
    const wanted = new Set(partitions);
    return [...this.files.values()].filter((f) => wanted.has(f.partition)).reduce((s, f) => s + f.rows.length, 0);
  }

  /** What `union_by_name` reads: every file's columns, widest type per name, then the Hive key. */
  schema(): string {
    const types = new Map<string, string>();
    for (const f of this.files.values()) {
      for (const c of f.columns) {
        const t = types.get(c.name);
        types.set(c.name, t === undefined || t === c.type ? c.type : (WIDER[`${t}|${c.type}`] ?? WIDER[`${c.type}|${t}`] ?? `${t}?${c.type}`));
      }
    }
    return [...[...types].map(([n, t]) => `${n}:${t}`), 'part:BIGINT'].join(',');
  }

  newRows(n: number, mode: Mode, columns = this.columns): LakeRow[] {
    return Array.from({ length: n }, () => columns.map((c) => (c.name === 'id' ? String(this.nextId++) : value(c.type, mode, this.rand))));
  }

  async addFile(partition: string, rows: LakeRow[], columns = this.columns): Promise<LakeFile> {
    const path = join(this.root, partition, `f${String(this.fileNo++).padStart(4, '0')}.parquet`);
    const file = { path, partition, columns: [...columns], rows };
    await this.write(file);
    return file;
  }

  /** Rewrites a file in place (same path): new content, new mtime. */
  async write(file: LakeFile): Promise<void> {
    mkdirSync(join(this.root, file.partition), { recursive: true });
    const names = file.columns.map((_, i) => `c${i}`);
    const select = file.columns.map((c, i) => `CAST(${names[i]} AS ${c.type}) AS ${ident(c.name)}`).join(', ');
    const body = file.rows.length === 0
      ? `SELECT ${file.columns.map((c) => `${typed(null, c.type)} AS ${ident(c.name)}`).join(', ')} WHERE false`
      : `SELECT ${select} FROM (VALUES ${file.rows.map((r) => `(${r.map((v, i) => typed(v, file.columns[i].type)).join(', ')})`).join(', ')}) t(${names.join(', ')})`;
    await this.writer.exec(`COPY (${body}) TO '${file.path.replaceAll("'", "''")}' (FORMAT parquet)`);
    this.files.set(file.path, file);
    this.touch(file);
  }

  touch(file: LakeFile): void {
    const t = EPOCH_S + ++this.tick;
    utimesSync(file.path, t, t);
    this.touched.add(file.partition);
  }

  deleteFile(file: LakeFile): void {
    rmSync(file.path);
    this.files.delete(file.path);
    this.touched.add(file.partition);
  }

  deletePartition(partition: string): void {
    rmSync(join(this.root, partition), { recursive: true, force: true });
    for (const f of this.filesIn(partition)) this.files.delete(f.path);
  }

  /** The decision SPEC §4 calls for, from what changed since the last incremental run. */
  expected(maxPartitionsPerRun: number): ExpectedDecision {
    const now = this.partitions();
    const total = this.rowCount(now);
    if (this.schema() !== this.profiled.schema) return { decision: 'full', reason: 'schema_changed', rowsScanned: total };
    const changed = now.filter((p) => this.touched.has(p) || !this.profiled.partitions.has(p));
    const removed = [...this.profiled.partitions].filter((p) => !now.includes(p)).sort();
    if (changed.length === 0 && removed.length === 0) return { decision: 'skip', reason: 'snapshot_match', rowsScanned: 0 };
    if (changed.length > maxPartitionsPerRun) return { decision: 'full', reason: 'too_many_partitions', rowsScanned: total };
    return {
      decision: 'partial', reason: 'changed_partitions', changed, removed,
      rowsScanned: this.rowCount(changed), scans: changed.length > 0 ? 1 : 0,
    };
  }

  /** The incremental store now holds exactly this lake. */
  profiledNow(): void {
    this.profiled = { schema: this.schema(), partitions: new Set(this.partitions()) };
    this.touched.clear();
  }
}
