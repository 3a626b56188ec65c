/**
 * A table in a DuckDB database file, changed by a writer that opens the file, changes it and closes it (the
 * connector opens existing files read-only, so nothing may hold the file while a run reads it). Every write
 * moves the database file, which is the only change signal a DuckDB table has: a changed table is always
 * profiled in full, an untouched one is skipped without a data query.
 */
import type { DuckDBClient } from '../../connectors/duckdb/client.js';
import type { ExpectedDecision } from '../helpers/differential.js';
import { ADDED_TYPES, MODES, addedColumnName, ident, pick, randInt, typed, value, type Mode } from './values.js';

interface Column {
  name: string;
  type: string;
}

/**
 * Runs `fn` with the database file attached as `w` to the shared writer engine, then detaches it (checkpoint,
 * unlock): cheaper than an engine per write, and the file is free again before the next run opens it.
 */
export async function inFile<T>(writer: DuckDBClient, path: string, fn: () => Promise<T>): Promise<T> {
  await writer.exec(`ATTACH '${path.replaceAll("'", "''")}' AS w`);
  try {
    return await fn();
  } finally {
    await writer.exec('DETACH w');
  }
}

// '__NULL__' next to NULL: their partition ids once collided (fixed in 9e706b0).
const REGIONS = ['eu', 'us', 'apac', 'Zürich', '日本', '', '__NULL__', null];

export class DuckTable {
  columns: Column[] = [
    { name: 'id', type: 'BIGINT' }, { name: 'region', type: 'VARCHAR' }, { name: 'qty', type: 'INTEGER' },
    { name: 'amount', type: 'DECIMAL(18,2)' }, { name: 'score', type: 'DOUBLE' }, { name: 'label', type: 'VARCHAR' },
    { name: 'ts', type: 'TIMESTAMP' }, { name: 'flag', type: 'BOOLEAN' },
  ];
  rows = 0;
  private nextId = 1;
  private profiledSchema = '';
  /** null: nothing written since the last run; 'maybe': a write that matched no row (file may or may not move). */
  private dirty: 'yes' | 'maybe' | null = null;

  constructor(readonly path: string, private readonly writer: DuckDBClient, readonly rand: () => number) {}

  private schema(): string {
    return this.columns.map((c) => `${c.name}:${c.type}`).join(',');
  }

  private async write(statements: (w: DuckDBClient) => Promise<number | void>): Promise<number> {
    return inFile(this.writer, this.path, async () => {
      const affected = (await statements(this.writer)) ?? 1;
      this.rows = Number((await this.writer.query('SELECT count(*) AS n FROM w.main.items', { kind: 'data' }))[0].n);
      return affected;
    });
  }

  private rowSql(mode: Mode): string {
    return `(${this.columns.map((c) => {
      if (c.name === 'id') return String(this.nextId++);
      if (c.name === 'region') return typed(pick(this.rand, REGIONS), 'VARCHAR');
      return typed(value(c.type, mode, this.rand), c.type);
    }).join(', ')})`;
  }

  async create(): Promise<void> {
    await this.write(async (w) => {
      await w.exec(`CREATE TABLE w.main.items (${this.columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ')})`);
    });
    await this.insert(randInt(this.rand, 50, 400), 'normal');
  }

  async insert(n: number, mode: Mode): Promise<string> {
    const names = this.columns.map((c) => ident(c.name)).join(', ');
    await this.write((w) => w.exec(`INSERT INTO w.main.items (${names}) VALUES ${Array.from({ length: n }, () => this.rowSql(mode)).join(', ')}`));
    this.dirty = 'yes';
    return `insert ${n} ${mode} rows`;
  }

  /** DML with a `Count` result: a statement that matched nothing may leave the file as it was. */
  private async dml(sql: string): Promise<number> {
    const n = await this.write(async (w) => Number((await w.query(sql, { kind: 'ddl' }))[0]?.Count ?? 0));
    this.dirty = n > 0 ? 'yes' : (this.dirty ?? 'maybe');
    return n;
  }

  async update(): Promise<string> {
    const c = pick(this.rand, this.columns.filter((x) => x.name !== 'id'));
    const m = randInt(this.rand, 2, 7);
    const v = c.name === 'region' ? pick(this.rand, REGIONS) : value(c.type, pick(this.rand, MODES), this.rand);
    const n = await this.dml(`UPDATE w.main.items SET ${ident(c.name)} = ${typed(v, c.type)} WHERE id % ${m} = ${randInt(this.rand, 0, m - 1)}`);
    return `update ${n} rows: ${c.name} = ${JSON.stringify(v)}`;
  }

  async remove(): Promise<string> {
    const m = this.rand() < 0.1 ? 1 : randInt(this.rand, 3, 9);
    const n = await this.dml(`DELETE FROM w.main.items WHERE id % ${m} = ${randInt(this.rand, 0, m - 1)}`);
    return `delete ${n} rows`;
  }

  async alter(): Promise<string> {
    const r = this.rand();
    const narrow = this.columns.find((c) => c.type === 'INTEGER');
    let sql: string;
    if (r < 0.3 && this.columns.length > 4) {
      const col = pick(this.rand, this.columns.filter((c) => c.name !== 'id' && c.name !== 'region'));
      sql = `ALTER TABLE w.main.items DROP COLUMN ${ident(col.name)}`;
      this.columns = this.columns.filter((c) => c !== col);
    } else if (r < 0.5 && narrow) {
      sql = `ALTER TABLE w.main.items ALTER ${ident(narrow.name)} TYPE BIGINT`;
      narrow.type = 'BIGINT';
    } else {
      const col = { name: addedColumnName(this.rand, this.columns.map((c) => c.name)), type: pick(this.rand, ADDED_TYPES) };
      const dflt = this.rand() < 0.5 ? value(col.type, 'normal', this.rand) : null;
      sql = `ALTER TABLE w.main.items ADD COLUMN ${ident(col.name)} ${col.type}${dflt === null ? '' : ` DEFAULT ${typed(dflt, col.type)}`}`;
      this.columns.push(col);
    }
    await this.write((w) => w.exec(sql));
    this.dirty = 'yes';
    return sql.replace('w.main.items ', '');
  }

  async change(): Promise<string> {
    const r = this.rand();
    if (r < 0.3) return this.insert(randInt(this.rand, 1, 150), pick(this.rand, MODES));
    if (r < 0.55) return this.update();
    if (r < 0.72) return this.remove();
    if (r < 0.85) return this.alter();
    return 'no change';
  }

  expected(): ExpectedDecision[] {
    const full = (reason: string): ExpectedDecision => ({ decision: 'full', reason, rowsScanned: this.rows });
    const skip: ExpectedDecision = { decision: 'skip', reason: 'snapshot_match', rowsScanned: 0 };
    if (this.schema() !== this.profiledSchema) return [full('schema_changed')];
    if (this.dirty === null) return [skip];
    return this.dirty === 'yes' ? [full('snapshot_changed')] : [skip, full('snapshot_changed')];
  }

  profiledNow(): void {
    this.profiledSchema = this.schema();
    this.dirty = null;
  }
}
