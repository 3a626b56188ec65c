/**
 * `baselinr profile`: plan, then execute each table's decision. One store transaction per table; a failing
 * table fails alone. Skips and defers never move `last_profiled_at` and never store the new snapshot.
 */
import { randomUUID } from 'node:crypto';
import type { TableProfile } from '../profiler/state-types.js';
import { executeScan, scanSql, type ScanScope } from '../profiler/executor.js';
import type { TableSnapshot } from '../connectors/types.js';
import type { TableStateRow } from '../state/index.js';
import type { EventBus } from '../events/index.js';
import { event } from '../events/index.js';
import type { Context } from './context.js';
import { scrubSecrets } from './context.js';
import { compactSnapshot } from './gather.js';
import { computePlan, planEntry, type PlanEntry, type PlannedTable } from './plan.js';
import { summarize, type Decision, type TableDecision } from '../planner/index.js';
import { tryLease } from './lease.js';

export interface ProfileEntry extends PlanEntry {
  status: 'ok' | 'failed' | 'skipped' | 'deferred';
  rows_scanned: number;
  partitions_profiled: number;
  duration_ms: number;
  error?: string;
  sql?: string;
  profile?: TableProfile;
}

export interface ProfileResult {
  generated_at: string;
  dry_run?: boolean;
  tables: ProfileEntry[];
  summary: Record<Decision, number>;
}

export interface ProfileOptions {
  tables?: string[];
  full?: boolean;
  dryRun?: boolean;
  concurrency?: number;
  events: EventBus;
  signal?: AbortSignal;
  /** Called once the plan is known, with the number of tables it covers (progress displays). */
  onPlanned?: (tables: number) => void;
}

export async function runProfile(ctx: Context, opts: ProfileOptions): Promise<ProfileResult> {
  const { planned, result } = await computePlan(ctx, opts);
  opts.onPlanned?.(planned.length);
  const runId = randomUUID();
  const entries: ProfileEntry[] = new Array(planned.length);
  const work = planned.map((p, i) => async () => {
    if (opts.signal?.aborted) entries[i] = interrupted(p);
    else entries[i] = opts.dryRun ? await dryRun(ctx, p) : await leased(ctx, p, runId, opts);
  });
  await pool(work, Math.max(1, opts.concurrency ?? 1));
  const summary = opts.dryRun ? result.summary : summarize(entries.map((e) => ({ decision: e.decision }) as TableDecision));
  return { generated_at: result.generated_at, ...(opts.dryRun ? { dry_run: true } : {}), tables: entries, summary };
}

/**
 * Runs a table's decision under its lease. A table leased by another run, or whose state changed since this run
 * planned it (another run just handled it), is `skip/locked` and nothing is written for it.
 */
async function leased(ctx: Context, p: PlannedTable, runId: string, opts: ProfileOptions): Promise<ProfileEntry> {
  const store = await ctx.store();
  const lease = await tryLease(store, p.decision.table, runId, ctx.now);
  if (!lease) return locked(p, runId, opts, 'another run holds the lease');
  try {
    const current = await store.getTable(p.decision.table);
    if ((current?.updatedAt ?? null) !== (p.gathered.prior?.updatedAt ?? null)) {
      return locked(p, runId, opts, 'another run updated the table since this run planned it');
    }
    return await executeOne(ctx, p, runId, opts);
  } finally {
    await lease.release();
  }
}

function locked(p: PlannedTable, runId: string, opts: ProfileOptions, why: string): ProfileEntry {
  const entry: ProfileEntry = { ...base(p), decision: 'skip', reason: 'locked', status: 'skipped', changed_partitions: [], removed_partitions: [] };
  entry.notes = [...(entry.notes ?? []), why];
  opts.events.emit(event('ProfilingSkipped', {
    runId: `${runId}:${p.decision.table}`, table: p.decision.table, action: 'skip', reason: 'locked',
    snapshot_id: p.decision.snapshotId, last_profiled_at: p.decision.lastProfiledAt,
  }));
  return entry;
}

function interrupted(p: PlannedTable): ProfileEntry {
  return { ...base(p), status: 'failed', error: 'interrupted before this table started' };
}

async function dryRun(ctx: Context, p: PlannedTable): Promise<ProfileEntry> {
  const { decision: d, gathered: g } = p;
  const entry = base(p);
  if (isProfile(d.decision) && g.snapshot) {
    entry.sql = await scanSql(await ctx.source(), g.table, g.snapshot, scopeOf(d), g.input.metrics);
  }
  entry.status = isProfile(d.decision) ? 'ok' : d.decision === 'defer' ? 'deferred' : 'skipped';
  return entry;
}

async function executeOne(ctx: Context, p: PlannedTable, runId: string, opts: ProfileOptions): Promise<ProfileEntry> {
  const { decision: d, gathered: g } = p;
  const store = await ctx.store();
  const entry = base(p);
  const started = Date.now();
  const now = ctx.now().toISOString();
  const tableRunId = `${runId}:${d.table}`;
  const common = { runId: tableRunId, table: d.table };

  if (!isProfile(d.decision)) {
    entry.status = d.decision === 'defer' ? 'deferred' : 'skipped';
    opts.events.emit(event('ProfilingSkipped', {
      ...common, action: d.decision === 'defer' ? 'defer' : 'skip', reason: d.reason,
      snapshot_id: d.snapshotId, last_profiled_at: d.lastProfiledAt,
    }));
    if (d.decision === 'defer') {
      opts.events.emit(event('profile_deferred_cost_cap', {
        ...common, reason: d.reason, estimated_rows: d.estimatedRows, estimated_bytes: d.estimatedBytes, deferrals: d.deferrals,
      }));
    }
    // A locked table belongs to another run right now: writing its state here could clobber that run's result.
    if (d.reason === 'locked') return entry;
    // Neither the snapshot nor last_profiled_at moves: a skipped or deferred change must still be seen next time.
    await store.commitTable({
      table: {
        tableName: d.table, lastDecision: d.decision, lastReason: d.reason, lastStatus: entry.status,
        lastCheckedAt: now, nextDueAt: d.nextDueAt, intervalMinutes: d.intervalMinutes, deferrals: d.deferrals,
        ...(d.decision === 'defer' ? { pending: d.pending ?? null } : {}),
      },
    });
    return entry;
  }

  opts.events.emit(event('ProfilingStarted', {
    ...common, decision: d.decision, reason: d.reason, snapshot_id: d.snapshotId, partitions: d.changedPartitions,
  }));
  try {
    if (!g.snapshot) throw new Error(g.input.snapshotError ?? `metadata for ${d.table} could not be read`);
    const args = {
      connector: await ctx.source(), store, table: g.table, snapshot: g.snapshot,
      metrics: g.input.metrics, now: ctx.now, signal: opts.signal,
      onRetry: (err: unknown, attempt: number, delayMs: number) => ctx.logger.warn(
        { table: d.table, attempt, delayMs }, `transient warehouse error, retrying: ${scrubSecrets(err instanceof Error ? err.message : String(err), ctx.secrets)}`),
    };
    if (d.decision === 'sample') {
      opts.events.emit(event('profile_sampled_cost_cap', {
        ...common, reason: d.reason, estimated_rows: d.estimatedRows, estimated_bytes: d.estimatedBytes,
        sample_fraction: d.sampleFraction ?? ctx.config.incremental.costControls.sampleFraction,
      }));
    }
    let scan = await executeScan({ ...args, scope: scopeOf(d, ctx.config.incremental.costControls.sampleFraction) });
    if (d.watermarkFrom && !appendOnlyHolds(g.prior, g.snapshot, scan.profile.row_count)) {
      // Rows arrived before the lookback window (or the stream was not append-only): the watermark cannot see
      // them, so this run profiles the whole table instead of leaving the profile wrong.
      ctx.logger.warn({ table: d.table }, 'rows outside the watermark lookback: profiling in full');
      entry.notes = [...(entry.notes ?? []), 'row count moved outside the lookback window: profiled in full'];
      entry.decision = 'full';
      scan = await executeScan({ ...args, scope: {} });
    }
    entry.duration_ms = Date.now() - started;
    Object.assign(entry, { status: 'ok', rows_scanned: scan.rowsScanned, partitions_profiled: scan.partitionsProfiled, profile: scan.profile });
    entry.last_profiled_at = scan.profile.profiled_at;
    const completed = event('ProfilingCompleted', {
      ...common, decision: d.decision, reason: d.reason, rows_scanned: scan.rowsScanned,
      partitions: scan.partitionsProfiled, duration_ms: entry.duration_ms,
    });
    await store.commitTable({
      table: {
        tableName: d.table, lastDecision: d.decision, lastReason: d.reason, lastStatus: 'ok',
        snapshotId: g.snapshot.snapshotId, snapshot: compactSnapshot(g.snapshot), schemaHash: g.snapshot.schemaHash,
        lastProfiledAt: scan.profile.profiled_at, lastCheckedAt: now, nextDueAt: d.nextDueAt,
        intervalMinutes: d.intervalMinutes, deferrals: 0, pending: null, profile: scan.profile,
        sampled: scan.profile.sampled,
      },
      upsertPartitions: scan.upserts,
      removePartitions: scan.removed,
      replaceAllPartitions: scan.replaceAll,
      run: runRecord(tableRunId, d.table, d.decision, d.reason, 'ok', started, entry, null, scan.sql),
    });
    opts.events.emit(completed);
  } catch (err) {
    const message = scrubSecrets(err instanceof Error ? err.message : String(err), ctx.secrets);
    Object.assign(entry, { status: 'failed', error: message, duration_ms: Date.now() - started });
    ctx.logger.error({ table: d.table }, `profiling failed: ${message}`);
    opts.events.emit(event('ProfilingFailed', { ...common, decision: d.decision, reason: d.reason, error: message }));
    await store
      .commitTable({
        table: { tableName: d.table, lastDecision: d.decision, lastReason: d.reason, lastStatus: 'failed', lastCheckedAt: now },
        run: runRecord(tableRunId, d.table, d.decision, d.reason, 'failed', started, entry, message, null),
      })
      .catch((e: unknown) => ctx.logger.error(`could not record the failure of ${d.table}: ${String(e)}`));
  }
  return entry;
}

function scopeOf(d: TableDecision, defaultFraction?: number): ScanScope {
  if (d.decision === 'sample') return { sampleFraction: d.sampleFraction ?? defaultFraction ?? 0.05 };
  if (d.decision !== 'partial') return {};
  if (d.watermarkFrom) return { watermarkFrom: d.watermarkFrom };
  return { partitions: d.changedPartitions, removed: d.removedPartitions };
}

/**
 * An append-only stream grows by exactly the rows the watermark re-scan found: compare the source's row count
 * growth with the profile's. Unknown counts cannot confirm it, so they fail the check (→ full).
 */
function appendOnlyHolds(prior: TableStateRow | undefined, snapshot: TableSnapshot, newRows: number): boolean {
  const stored = prior?.snapshot as { rowCount?: number | null } | null | undefined;
  const before = prior?.profile?.row_count;
  if (typeof stored?.rowCount !== 'number' || typeof snapshot.rowCount !== 'number' || typeof before !== 'number') return false;
  return snapshot.rowCount - stored.rowCount === newRows - before;
}

function base(p: PlannedTable): ProfileEntry {
  return { ...planEntry(p.decision), status: 'skipped', rows_scanned: 0, partitions_profiled: 0, duration_ms: 0 };
}

function isProfile(d: Decision): boolean {
  return d === 'full' || d === 'partial' || d === 'sample';
}

function runRecord(runId: string, table: string, decision: string, reason: string, status: string, started: number,
  e: ProfileEntry, error: string | null, sql: string | null) {
  return {
    runId, tableName: table, startedAt: new Date(started).toISOString(), finishedAt: new Date().toISOString(),
    decision, reason, status, rowsScanned: e.rows_scanned, partitionsProfiled: e.partitions_profiled,
    durationMs: e.duration_ms, error, sql,
  };
}

async function pool(tasks: Array<() => Promise<void>>, size: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(size, tasks.length) }, worker));
}
