/**
 * An append-only `page_views` table in a DuckDB file, bucketed by day of `_loaded_at` with a 2-day lookback.
 * Loaders append on the watermark's day or later, sometimes late inside the lookback, sometimes late outside it
 * (or with a NULL load time, which no bucket window covers). The model knows every row's load time, so it knows
 * which rows a watermark re-scan from `day(watermark) − 2` must read and when only a full run can be right.
 */
import type { DuckDBClient } from '../../connectors/duckdb/client.js';
import { inFile } from './duckdb-table.js';
import type { ExpectedDecision } from '../helpers/differential.js';
import { MODES, pick, randInt, typed, value } from './values.js';

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 2, 1);
export const LOOKBACK_DAYS = 2;
const COLUMNS = [
  { name: 'id', type: 'BIGINT' }, { name: 'user_id', type: 'BIGINT' }, { name: 'amount', type: 'DECIMAL(18,2)' },
  { name: 'score', type: 'DOUBLE' }, { name: 'page', type: 'VARCHAR' },
];

const iso = (ms: number, micros: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}.${String(micros).padStart(6, '0')}`;

export class EventStream {
  /** Load time (ms) of every row, null for a row loaded without one. */
  private loaded: Array<number | null> = [];
  private nextId = 1;
  private extra = 0;
  private since: Array<number | null> = [];
  private schemaChanged = true;
  private watermark = 0;

  constructor(readonly path: string, private readonly writer: DuckDBClient, readonly rand: () => number) {}

  get rows(): number {
    return this.loaded.length;
  }

  private async write(sql: string): Promise<void> {
    await inFile(this.writer, this.path, () => this.writer.exec(sql));
  }

  async create(): Promise<void> {
    const cols = COLUMNS.map((c) => `"${c.name}" ${c.type}`).join(', ');
    await this.write(`CREATE TABLE w.main.page_views (${cols}, "_loaded_at" TIMESTAMP)`);
    await this.append(Array.from({ length: randInt(this.rand, 50, 300) }, () => D0 + randInt(this.rand, 0, 5) * DAY));
  }

  /** Rows loaded on the given days (ms of the day start; null = no load time), at random times of day. */
  private async append(days: Array<number | null>): Promise<void> {
    const mode = pick(this.rand, MODES);
    const rows = days.map((day) => {
      const at = day === null ? null : day + randInt(this.rand, 0, DAY / 1000 - 1) * 1000;
      this.loaded.push(at);
      this.since.push(at);
      const vals = COLUMNS.map((c) => (c.name === 'id' ? String(this.nextId++) : typed(value(c.type, mode, this.rand), c.type)));
      const extra = Array.from({ length: this.extra }, () => typed(value('BIGINT', mode, this.rand), 'BIGINT'));
      return `(${[...vals, at === null ? 'NULL' : `TIMESTAMP '${iso(at, randInt(this.rand, 0, 999_999))}'`, ...extra].join(', ')})`;
    });
    await this.write(`INSERT INTO w.main.page_views VALUES ${rows.join(', ')}`);
  }

  private dayOf(ms: number): number {
    return Math.floor(ms / DAY) * DAY;
  }

  async change(): Promise<string> {
    const r = this.rand();
    const wmDay = this.dayOf(this.watermark);
    const n = randInt(this.rand, 1, 60);
    const days = (lo: number, hi: number) => Array.from({ length: n }, () => wmDay + randInt(this.rand, lo, hi) * DAY);
    if (r < 0.4) return this.append(days(0, 2)).then(() => `append ${n} rows on the watermark day or later`);
    if (r < 0.6) return this.append(days(-LOOKBACK_DAYS, -1)).then(() => `append ${n} late rows inside the lookback`);
    if (r < 0.75) return this.append(days(-9, -LOOKBACK_DAYS - 1)).then(() => `append ${n} late rows outside the lookback`);
    if (r < 0.8) return this.append([null]).then(() => 'append a row without a load time');
    if (r < 0.87) {
      // Existing rows read NULL for the new column; new rows fill it.
      await this.write(`ALTER TABLE w.main.page_views ADD COLUMN "extra_${this.extra}" BIGINT`);
      this.extra++;
      this.schemaChanged = true;
      return `add column extra_${this.extra - 1}`;
    }
    return 'no change';
  }

  expected(): ExpectedDecision[] {
    const total = this.loaded.length;
    if (this.schemaChanged) return [{ decision: 'full', reason: 'schema_changed', rowsScanned: total }];
    if (this.since.length === 0) return [{ decision: 'skip', reason: 'snapshot_match', rowsScanned: 0 }];
    const from = this.dayOf(this.watermark) - LOOKBACK_DAYS * DAY;
    if (this.since.some((t) => t === null || t < from)) {
      // Only a full profile can count rows the window does not cover; how the product gets there is its choice.
      return [{ decision: 'full', reason: '*', rowsScanned: total, scans: 'any' }];
    }
    const inWindow = this.loaded.filter((t) => t !== null && t >= from).length;
    return [{ decision: 'partial', reason: 'appended_rows', rowsScanned: inWindow }];
  }

  profiledNow(): void {
    this.watermark = Math.max(...this.loaded.filter((t): t is number => t !== null));
    this.since = [];
    this.schemaChanged = false;
  }
}
