/**
 * Watermark (virtual) partitions for append-only tables: buckets of a timestamp column. A run re-scans the
 * buckets from `bucket(watermark) − lookback` onward and replaces them; older buckets keep their states. Pure
 * date arithmetic in UTC on ISO strings, the layout the scan uses for bucket ids (`YYYY-MM-DDTHH:MM:SS`).
 */
import type { Granularity } from '../config/index.js';

/** Start of the bucket holding `iso`, moved back `lookback` buckets. Null when `iso` is not a timestamp. */
export function watermarkLowerBound(iso: string, granularity: Granularity, lookback: number): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2}))?/.exec(iso);
  if (!m) return null;
  const [y, mo, d, h] = [Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0)];
  let t: Date;
  switch (granularity) {
    case 'hour':
      t = new Date(Date.UTC(y, mo, d, h - lookback));
      break;
    case 'day':
      t = new Date(Date.UTC(y, mo, d - lookback));
      break;
    case 'week': {
      // ISO weeks start on Monday, as DuckDB's and Postgres' date_trunc('week') do.
      const day = new Date(Date.UTC(y, mo, d));
      const sinceMonday = (day.getUTCDay() + 6) % 7;
      t = new Date(Date.UTC(y, mo, d - sinceMonday - 7 * lookback));
      break;
    }
    case 'month':
      t = new Date(Date.UTC(y, mo - lookback, 1));
      break;
    case 'year':
      t = new Date(Date.UTC(y - lookback, 0, 1));
      break;
  }
  return t.toISOString().slice(0, 19);
}

/** The bucket text of a partition id `key=YYYY-MM-DDTHH:MM:SS`, or null for other ids (e.g. `key IS NULL`). */
export function bucketOf(partitionId: string): string | null {
  const i = partitionId.indexOf('=');
  const v = i >= 0 ? partitionId.slice(i + 1) : '';
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(v) ? v : null;
}
