/**
 * One case per reason of the closed set. The coverage check at the end fails when a reason exists that no case
 * produces and that is not acknowledged in PENDING_REASONS, so a reason cannot quietly lose its rule.
 */
import { describe, expect, it } from 'vitest';
import type { IncrementalConfig } from '../../src/config/types.js';
import type { TableSnapshot } from '../../src/connectors/types.js';
import type { TableStateRow } from '../../src/state/types.js';
import { PENDING_REASONS, REASONS, planTable, type Decision, type PlanContext, type PlanTableInput, type Reason } from '../../src/planner/index.js';

const NOW = new Date('2024-06-10T12:00:00.000Z');
const ago = (min: number) => new Date(NOW.getTime() - min * 60_000).toISOString();

function config(): IncrementalConfig {
  return {
    enabled: true,
    changeDetection: { metadataTable: 'baselinr_table_state', snapshotTtlMinutes: 1440 },
    partialProfiling: { enabled: true, allowPartitionPruning: true, maxPartitionsPerRun: 64, mergeableMetrics: ['count', 'null_count', 'min', 'max'] },
    adaptiveScheduling: { enabled: true, defaultIntervalMinutes: 1440, minIntervalMinutes: 60, maxIntervalMinutes: 10080, priorityOverrides: {} },
    costControls: { enabled: true, maxRowsScanned: 1e8, maxBytesScanned: null, fallbackStrategy: 'sample', sampleFraction: 0.05, maxDeferrals: 3, maxDeferralAgeMinutes: 10080 },
  };
}

function snapshot(fps: Record<string, string>, over: Partial<TableSnapshot> = {}): TableSnapshot {
  const partitions = Object.entries(fps).map(([id, fingerprint]) => ({ id, fingerprint, rowCount: 1000, bytes: 8000 }));
  const snapshotId = `${over.schemaHash ?? 'h1'}|${partitions.map((p) => `${p.id}=${p.fingerprint}`).join(',')}`;
  return { snapshotId, exact: true, columns: [], schemaHash: 'h1', partitions, takenAt: NOW.toISOString(), ...over };
}

const STORED = snapshot({ p1: 'a', p2: 'b' });

function prior(over: Partial<TableStateRow> = {}): TableStateRow {
  return {
    tableName: 'main.events', lastDecision: 'full', lastReason: 'first_run', lastStatus: 'ok',
    snapshotId: STORED.snapshotId, snapshot: { snapshotId: STORED.snapshotId, schemaHash: 'h1', exact: true }, schemaHash: 'h1',
    lastProfiledAt: ago(120), lastCheckedAt: ago(120), nextDueAt: ago(1), intervalMinutes: 120, deferrals: 0,
    pending: null, profile: null, sampled: false, updatedAt: ago(120), ...over,
  };
}

function input(over: Partial<PlanTableInput> = {}): PlanTableInput {
  return {
    name: 'main.events', contract: { kind: 'event_stream' }, partition: { key: 'event_date', lookback: 0 },
    nativePartitions: true, metrics: ['count', 'min', 'max'], snapshot: snapshot({ p1: 'a', p2: 'b2' }), prior: prior(),
    priorPartitions: [{ id: 'p1', fingerprint: 'a' }, { id: 'p2', fingerprint: 'b' }], ...over,
  };
}

interface Case {
  reason: Reason;
  decision: Decision;
  input?: Partial<PlanTableInput>;
  ctx?: (c: PlanContext) => void;
}

const CASES: Case[] = [
  { reason: 'locked', decision: 'skip', input: { locked: true }, ctx: (c) => { c.forceFull = true; } },
  { reason: 'forced', decision: 'full', ctx: (c) => { c.forceFull = true; } },
  { reason: 'incremental_disabled', decision: 'full', ctx: (c) => { c.incremental.enabled = false; } },
  { reason: 'first_run', decision: 'full', input: { prior: undefined, priorPartitions: [] } },
  { reason: 'first_run', decision: 'full', input: { prior: prior({ lastProfiledAt: null }) } },
  { reason: 'metadata_unavailable', decision: 'full', input: { snapshot: undefined, snapshotError: 'permission denied' } },
  { reason: 'metadata_unavailable', decision: 'full', input: { snapshot: { ...STORED, exact: false } } },
  { reason: 'ttl_expired', decision: 'full', input: { prior: prior({ lastProfiledAt: ago(1440), nextDueAt: ago(-60) }) } },
  { reason: 'not_due', decision: 'skip', input: { prior: prior({ nextDueAt: ago(-30) }) } },
  { reason: 'schema_changed', decision: 'full', input: { snapshot: snapshot({ p1: 'a', p2: 'b' }, { schemaHash: 'h2' }) } },
  { reason: 'stats_reset', decision: 'full', input: { statsReset: true } },
  { reason: 'snapshot_match', decision: 'skip', input: { snapshot: STORED } },
  { reason: 'non_mergeable_metrics', decision: 'full', input: { metrics: ['count', 'distinct_count'] } },
  { reason: 'too_many_partitions', decision: 'full', input: { snapshot: snapshot({ p1: 'a2', p2: 'b2' }) },
    ctx: (c) => { c.incremental.partialProfiling.maxPartitionsPerRun = 1; } },
  { reason: 'changed_partitions', decision: 'partial' },
  { reason: 'snapshot_changed', decision: 'full', input: { nativePartitions: false } },
  { reason: 'appended_rows', decision: 'partial', input: {
    nativePartitions: false, partition: { key: '_loaded_at', granularity: 'day', lookback: 2 },
    prior: prior({ profile: { table: 'main.events', profiled_at: ago(120), row_count: 10, sampled: false, partitions: 3,
      columns: { _loaded_at: { type: 'TIMESTAMP', max: '2024-06-10T09:30:00.000000' } } } }),
  } },
  { reason: 'rows_cap_exceeded', decision: 'sample', input: { nativePartitions: false },
    ctx: (c) => { c.incremental.costControls.maxRowsScanned = 1500; } },
  { reason: 'bytes_cap_exceeded', decision: 'defer', input: { nativePartitions: false },
    ctx: (c) => { c.incremental.costControls.maxBytesScanned = 10_000; c.incremental.costControls.fallbackStrategy = 'defer'; } },
];

function run(c: Case) {
  const ctx: PlanContext = { now: NOW, incremental: config(), forceFull: false };
  c.ctx?.(ctx);
  return planTable(input(c.input), ctx);
}

describe('planner reasons', () => {
  it.each(CASES.map((c, i) => [`${c.decision}/${c.reason} #${i}`, c] as const))('%s', (_name, c) => {
    const d = run(c);
    expect({ decision: d.decision, reason: d.reason }).toEqual({ decision: c.decision, reason: c.reason });
  });

  it('every reason is produced by a case or acknowledged as pending', () => {
    // Reasons actually produced, not merely listed in CASES: a case that stopped producing its reason is no cover.
    const produced = new Set(CASES.map((c) => run(c).reason));
    const uncovered = REASONS.filter((r) => !produced.has(r) && !PENDING_REASONS.includes(r));
    expect(uncovered).toEqual([]);
    // A pending reason that a case now produces has its rule: it must leave the pending list.
    expect(PENDING_REASONS.filter((r) => produced.has(r))).toEqual([]);
    expect(produced.size + PENDING_REASONS.length).toBe(REASONS.length);
  });
});
