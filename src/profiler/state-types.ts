/**
 * Mergeable metric states (Deequ style): plain JSON-serialisable sufficient statistics kept per
 * (table, partition, column). The table profile is always the merge of partition states, so a full run and an
 * incremental run go through the same code path and cannot disagree.
 */

/** How a column is profiled; decided from the warehouse type by each dialect. */
export type ColumnKind = 'integer' | 'decimal' | 'float' | 'string' | 'temporal' | 'boolean' | 'other';

export interface ColumnState {
  /** Warehouse type name as the catalog reports it, e.g. `DOUBLE`, `DECIMAL(18,2)`. */
  type: string;
  kind: ColumnKind;
  /** Non-null values. */
  count: number;
  nulls: number;
  /**
   * Extremes of non-null values, `null` when the partition has none.
   * integer/decimal: exact decimal string; float: number; string: string (compared by UTF-8 bytes);
   * temporal: ISO-8601 string (fixed layout per type, so string order is time order).
   */
  min?: string | number | null;
  max?: string | number | null;
  /** integer/decimal: exact decimal string; float: number. Absent for non-numeric kinds. */
  sum?: string | number | null;
  /** Chan et al. running variance state over `count` values: mean and M2 (sum of squared deviations). */
  mean?: number | null;
  m2?: number | null;
  /** HyperLogLog registers, encoded by `hll.ts` (`encodeRegisters`). Absent when distinct metrics are off. */
  hll?: string;
  /** string kind: character (code point) lengths. */
  minLength?: number | null;
  maxLength?: number | null;
  sumLength?: number;
}

export interface PartitionState {
  rowCount: number;
  columns: Record<string, ColumnState>;
}

/** Metric names of SPEC §3. */
export const ALL_METRICS = [
  'count',
  'null_count',
  'null_ratio',
  'distinct_count',
  'unique_ratio',
  'min',
  'max',
  'sum',
  'mean',
  'stddev',
  'min_length',
  'max_length',
  'avg_length',
] as const;
export type MetricName = (typeof ALL_METRICS)[number];

/** One column of a finished profile, as `show` prints it (SPEC §2). Only requested metrics are present. */
export interface ColumnProfile {
  type: string;
  count?: number;
  null_count?: number;
  null_ratio?: number | null;
  distinct_count?: number;
  unique_ratio?: number | null;
  min?: string | number | null;
  max?: string | number | null;
  sum?: string | number | null;
  mean?: number | null;
  stddev?: number | null;
  min_length?: number | null;
  max_length?: number | null;
  avg_length?: number | null;
}

export interface TableProfile {
  table: string;
  profiled_at: string;
  row_count: number;
  sampled: boolean;
  sample_fraction?: number;
  /** Rows the sample actually read (row_count and counts are scaled by 1/sample_fraction). */
  sampled_rows?: number;
  partitions: number;
  columns: Record<string, ColumnProfile>;
}
