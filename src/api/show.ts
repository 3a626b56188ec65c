/** `show` and `state`: read the state store only, never the warehouse. */
import type { TableProfile } from '../profiler/state-types.js';
import type { Context } from './context.js';

export class NotFoundError extends Error {}

export async function showProfile(ctx: Context, table: string): Promise<TableProfile> {
  const store = await ctx.store();
  const row = await store.getTable(table);
  if (!row?.profile) {
    const known = (await store.listTables()).filter((t) => t.profile).map((t) => t.tableName);
    const hint = known.length ? ` (profiled tables: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''})` : ' (nothing has been profiled yet: run `baselinr profile`)';
    throw new NotFoundError(`no profile for table "${table}"${hint}`);
  }
  return row.profile;
}

export interface StateEntry {
  table: string;
  last_decision: string | null;
  last_reason: string | null;
  last_status: string | null;
  snapshot_id: string | null;
  last_profiled_at: string | null;
  last_checked_at: string | null;
  next_due_at: string | null;
  interval_minutes: number | null;
  deferrals: number;
  row_count: number | null;
  sampled: boolean;
}

export async function listState(ctx: Context): Promise<{ tables: StateEntry[] }> {
  const store = await ctx.store();
  const rows = await store.listTables();
  return {
    tables: rows.map((r) => ({
      table: r.tableName,
      last_decision: r.lastDecision,
      last_reason: r.lastReason,
      last_status: r.lastStatus,
      snapshot_id: r.snapshotId,
      last_profiled_at: r.lastProfiledAt,
      last_checked_at: r.lastCheckedAt,
      next_due_at: r.nextDueAt,
      interval_minutes: r.intervalMinutes,
      deferrals: r.deferrals,
      row_count: r.profile?.row_count ?? null,
      sampled: r.sampled,
    })),
  };
}
