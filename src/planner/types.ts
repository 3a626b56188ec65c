/** Input and output shapes of the planner. Plain data, so `plan` can print a decision and `profile` can store it. */
import type { ContractConfig, IncrementalConfig, MetricName, PartitionConfig } from '../config/types.js';
import type { TableSnapshot } from '../connectors/types.js';
import type { TableStateRow } from '../state/types.js';
import type { Decision, Reason } from './reasons.js';

export interface PriorPartition {
  id: string;
  /** The fingerprint the stored partition state was profiled at; null when unknown (treated as changed). */
  fingerprint: string | null;
}

export interface PlanTableInput {
  name: string;
  contract: ContractConfig;
  partition?: PartitionConfig;
  /** True when the snapshot lists real partitions (Parquet dirs, pg children, BQ partition_id). */
  nativePartitions: boolean;
  metrics: MetricName[];
  /** Undefined when metadata could not be read. */
  snapshot?: TableSnapshot;
  snapshotError?: string;
  /** The detector saw counters go backwards or a new stats_reset. */
  statsReset?: boolean;
  prior?: TableStateRow;
  priorPartitions: PriorPartition[];
  /** Another run holds the table's lease. */
  locked?: boolean;
}

export interface PlanContext {
  now: Date;
  incremental: IncrementalConfig;
  forceFull: boolean;
}

/** What a defer asks the executor to store in `TableStateRow.pending`, so the age limit counts from the first. */
export interface PendingDeferral {
  firstDeferredAt: string;
  reason: Reason;
}

export interface TableDecision {
  table: string;
  decision: Decision;
  reason: Reason;
  /** The snapshot observed now (what a profile of this decision will store), null without metadata. */
  snapshotId: string | null;
  /** Partitions to (re)scan for a partial: new or changed fingerprint. Sorted. */
  changedPartitions: string[];
  /** Stored partitions no longer in the snapshot. Sorted. */
  removedPartitions: string[];
  /** Always empty today: an over-long partition list goes full instead of leaving a backlog. */
  pendingPartitions: string[];
  /** Of the scope to scan (0 when nothing is scanned); null when metadata does not say. */
  estimatedRows: number | null;
  estimatedBytes: number | null;
  /** Always the stored value: the executor moves it only after a successful scan. */
  lastProfiledAt: string | null;
  nextDueAt: string | null;
  intervalMinutes: number;
  deferrals: number;
  sampleFraction?: number;
  /** appended_rows: re-scan rows whose partition key is at or after this UTC timestamp (bucket start). */
  watermarkFrom?: string;
  /** Set on `defer` only. */
  pending?: PendingDeferral;
  notes?: string[];
}
