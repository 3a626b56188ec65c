/** `baselinr plan`: change detection + the pure planner. Reads metadata and prior state; writes nothing. */
import { planTables, summarize, type Decision, type TableDecision } from '../planner/index.js';
import type { Context } from './context.js';
import { gatherTables, type GatheredTable } from './gather.js';

export interface PlanEntry {
  table: string;
  decision: Decision;
  reason: string;
  snapshot_id: string | null;
  changed_partitions: string[];
  removed_partitions: string[];
  estimated_rows: number | null;
  estimated_bytes: number | null;
  last_profiled_at: string | null;
  next_due_at: string | null;
  /** appended_rows: buckets from this UTC timestamp on are re-scanned. */
  watermark_from?: string;
  notes?: string[];
}

export interface PlanResult {
  generated_at: string;
  tables: PlanEntry[];
  summary: Record<Decision, number>;
}

export interface PlannedTable {
  gathered: GatheredTable;
  decision: TableDecision;
}

export async function computePlan(
  ctx: Context,
  opts: { tables?: string[]; full?: boolean },
): Promise<{ planned: PlannedTable[]; result: PlanResult }> {
  const gathered = await gatherTables(ctx, opts.tables);
  const now = ctx.now();
  const decisions = planTables(
    gathered.map((g) => g.input),
    { now, incremental: ctx.config.incremental, forceFull: opts.full ?? false },
  );
  const planned = gathered.map((g, i) => ({ gathered: g, decision: decisions[i] }));
  return {
    planned,
    result: { generated_at: now.toISOString(), tables: decisions.map(planEntry), summary: summarize(decisions) },
  };
}

export function planEntry(d: TableDecision): PlanEntry {
  const e: PlanEntry = {
    table: d.table,
    decision: d.decision,
    reason: d.reason,
    snapshot_id: d.snapshotId,
    changed_partitions: d.changedPartitions,
    removed_partitions: d.removedPartitions,
    estimated_rows: d.estimatedRows,
    estimated_bytes: d.estimatedBytes,
    last_profiled_at: d.lastProfiledAt,
    next_due_at: d.nextDueAt,
  };
  if (d.watermarkFrom) e.watermark_from = d.watermarkFrom;
  if (d.notes?.length) e.notes = d.notes;
  return e;
}
