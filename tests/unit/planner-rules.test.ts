/** The planner's safety rules (SPEC §4, DESIGN §6): each one a mistake of the Python original that must not return. */
import { describe, expect, it } from 'vitest';
import type { ContractConfig, IncrementalConfig } from '../../src/config/types.js';
import type { PartitionFact, TableSnapshot } from '../../src/connectors/types.js';
import type { TableStateRow } from '../../src/state/types.js';
import { planTable, summarize, type PlanContext, type PlanTableInput, type TableDecision } from '../../src/planner/index.js';

const NOW = new Date('2024-06-10T12:00:00.000Z');
const ago = (min: number) => new Date(NOW.getTime() - min * 60_000).toISOString();

function config(): IncrementalConfig {
  return {
    enabled: true,
    changeDetection: { metadataTable: 'baselinr_table_state', snapshotTtlMinutes: 1440 },
    partialProfiling: { enabled: true, allowPartitionPruning: true, maxPartitionsPerRun: 64, mergeableMetrics: ['count', 'null_count', 'min', 'max'] },
    adaptiveScheduling: { enabled: true, defaultIntervalMinutes: 1440, minIntervalMinutes: 60, maxIntervalMinutes: 10080, priorityOverrides: {} },
    costControls: { enabled: true, maxRowsScanned: 1e8, maxBytesScanned: null, fallbackStrategy: 'sample', sampleFraction: 0.05, maxDeferrals: 2, maxDeferralAgeMinutes: 10080 },
  };
}

/** Partitions as `id: [fingerprint, rows]`; the id is derived from the facts, as the connectors do. */
function snapshot(parts: Record<string, [string, number?]>, over: Partial<TableSnapshot> = {}): TableSnapshot {
  const partitions: PartitionFact[] = Object.entries(parts).map(([id, [fingerprint, rowCount]]) => ({ id, fingerprint, rowCount }));
  const snapshotId = partitions.map((p) => `${p.id}=${p.fingerprint}`).join(',');
  return { snapshotId, exact: true, columns: [], schemaHash: 'h1', partitions, takenAt: NOW.toISOString(), ...over };
}

const STORED = snapshot({ p1: ['a', 100], p2: ['b', 100] });
const CHANGED = snapshot({ p1: ['a', 100], p2: ['b2', 100] });

function prior(over: Partial<TableStateRow> = {}): TableStateRow {
  return {
    tableName: 't', lastDecision: 'full', lastReason: 'first_run', lastStatus: 'ok', snapshotId: STORED.snapshotId,
    snapshot: { snapshotId: STORED.snapshotId, schemaHash: 'h1' }, schemaHash: 'h1', lastProfiledAt: ago(120),
    lastCheckedAt: ago(120), nextDueAt: ago(1), intervalMinutes: 120, deferrals: 0, pending: null, profile: null,
    sampled: false, updatedAt: ago(120), ...over,
  };
}

function input(over: Partial<PlanTableInput> = {}): PlanTableInput {
  return {
    name: 't', contract: { kind: 'event_stream' }, partition: { key: 'day', lookback: 0 }, nativePartitions: true,
    metrics: ['count'], snapshot: CHANGED, prior: prior(),
    priorPartitions: [{ id: 'p1', fingerprint: 'a' }, { id: 'p2', fingerprint: 'b' }], ...over,
  };
}

function plan(over: Partial<PlanTableInput> = {}, edit?: (c: PlanContext) => void): TableDecision {
  const ctx: PlanContext = { now: NOW, incremental: config(), forceFull: false };
  edit?.(ctx);
  return planTable(input(over), ctx);
}

describe('uncertain is never skipped', () => {
  it.each([
    ['metadata error', { snapshot: undefined, snapshotError: 'timeout' }],
    ['metadata error while not due', { snapshot: undefined, snapshotError: 'timeout', prior: prior({ nextDueAt: ago(-30) }) }],
    ['inexact snapshot equal to the stored one', { snapshot: { ...STORED, exact: false } }],
  ])('%s → full/metadata_unavailable', (_n, over: Partial<PlanTableInput>) => {
    expect(plan(over)).toMatchObject({ decision: 'full', reason: 'metadata_unavailable' });
  });
});

describe('cost caps apply to the scope actually scanned', () => {
  const big = snapshot({ p1: ['a', 1e9 - 1e4], p2: ['b2', 1e4] }, { rowCount: 1e9 });
  it('a partial of one small partition of a huge table is not capped', () => {
    expect(plan({ snapshot: big })).toMatchObject({ decision: 'partial', reason: 'changed_partitions', changedPartitions: ['p2'], estimatedRows: 1e4 });
  });
  it('the same table scanned whole is capped', () => {
    const d = plan({ snapshot: big, nativePartitions: false });
    expect(d).toMatchObject({ decision: 'sample', reason: 'rows_cap_exceeded', estimatedRows: 1e9, sampleFraction: 0.05 });
    expect(d.notes).toContain('cap exceeded: 1e9 rows > 1e8');
  });
  it('unknown estimates and forced runs are never capped', () => {
    const unknown = snapshot({ p2: ['b2'] });
    expect(plan({ snapshot: unknown, nativePartitions: false })).toMatchObject({ decision: 'full', estimatedRows: null });
    expect(plan({ snapshot: big }, (c) => { c.forceFull = true; })).toMatchObject({ decision: 'full', reason: 'forced' });
  });
});

describe('partial eligibility', () => {
  it.each<[string, ContractConfig, string, string]>([
    ['record_set keyed by id, partitioned by day', { kind: 'record_set', primaryKey: ['id'], ordering: 'ts' }, 'full', 'snapshot_changed'],
    ['record_set whose key includes the partition', { kind: 'record_set', primaryKey: ['id', 'day'], ordering: 'ts' }, 'partial', 'changed_partitions'],
    ['snapshot contract', { kind: 'snapshot' }, 'partial', 'changed_partitions'],
  ])('%s → %s/%s', (_n, contract, decision, reason) => {
    expect(plan({ contract })).toMatchObject({ decision, reason });
  });

  it('lists removed and new partitions, sorted, and partials with only removals', () => {
    const d = plan({ snapshot: snapshot({ p9: ['x'], p1: ['a'], p10: ['y'] }) });
    expect(d).toMatchObject({ decision: 'partial', changedPartitions: ['p10', 'p9'], removedPartitions: ['p2'] });
    const onlyRemoved = plan({ snapshot: snapshot({ p1: ['a', 100] }) });
    expect(onlyRemoved).toMatchObject({ decision: 'partial', changedPartitions: [], removedPartitions: ['p2'], estimatedRows: 0 });
  });
});

describe('defer is bounded and hides nothing', () => {
  const deferCfg = (c: PlanContext) => {
    c.incremental.costControls.fallbackStrategy = 'defer';
    c.incremental.costControls.maxRowsScanned = 10;
  };
  it('defers up to maxDeferrals, then profiles', () => {
    let p = prior();
    const seen: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const d = plan({ prior: p, nativePartitions: false }, deferCfg);
      seen.push(`${d.decision}/${d.reason}/${d.deferrals}`);
      expect(d.lastProfiledAt).toBe(p.lastProfiledAt);
      // As the executor stores a defer: schedule and count only, never the snapshot.
      p = { ...p, deferrals: d.deferrals, pending: d.pending ?? null, lastCheckedAt: NOW.toISOString() };
    }
    expect(seen).toEqual(['defer/rows_cap_exceeded/1', 'defer/rows_cap_exceeded/2', 'full/rows_cap_exceeded/0']);
  });
  it.each([
    ['pending.firstDeferredAt', prior({ deferrals: 1, pending: { firstDeferredAt: ago(10081) }, lastCheckedAt: ago(5) })],
    ['lastCheckedAt when nothing is pending', prior({ deferrals: 1, lastCheckedAt: ago(10080) })],
  ])('profiles once the first deferral is too old (%s)', (_n, p) => {
    expect(plan({ prior: p }, deferCfg)).toMatchObject({ decision: 'partial', reason: 'rows_cap_exceeded', deferrals: 0 });
  });
});

describe('state the planner reports back', () => {
  it.each<[string, Partial<PlanTableInput>, number]>([
    ['skip', { snapshot: STORED }, 1e8],
    ['skip', { locked: true }, 1e8],
    ['skip', { prior: prior({ nextDueAt: ago(-30) }) }, 1e8],
    ['defer', {}, 10],
    ['partial', {}, 1e8],
  ])('%s keeps the stored lastProfiledAt (the executor moves it after a scan)', (decision, over, cap) => {
    const d = plan(over, (c) => { c.incremental.costControls.fallbackStrategy = 'defer'; c.incremental.costControls.maxRowsScanned = cap; });
    expect(d).toMatchObject({ decision, lastProfiledAt: ago(120) });
  });
  it('not_due and locked keep the stored schedule and deferrals', () => {
    const stored = { nextDueAt: ago(-30), intervalMinutes: 120, deferrals: 1 };
    for (const over of [{}, { locked: true }]) {
      expect(plan({ prior: prior(stored), ...over })).toMatchObject(stored);
    }
  });
  it('learns the interval from what the check saw; overrides pin it', () => {
    expect(plan({ snapshot: STORED })).toMatchObject({ decision: 'skip', intervalMinutes: 240, nextDueAt: ago(-240) });
    expect(plan()).toMatchObject({ decision: 'partial', intervalMinutes: 60, nextDueAt: ago(-60) });
    expect(plan({}, (c) => { c.forceFull = true; })).toMatchObject({ intervalMinutes: 120 });
    expect(plan({}, (c) => { c.incremental.adaptiveScheduling.priorityOverrides.t = 180; })).toMatchObject({ intervalMinutes: 180 });
  });
  it('disabled adaptive scheduling never says not_due and stores no due time', () => {
    const d = plan({ prior: prior({ nextDueAt: ago(-30) }) }, (c) => { c.incremental.adaptiveScheduling.enabled = false; });
    expect(d).toMatchObject({ decision: 'partial', nextDueAt: null, intervalMinutes: 1440 });
  });
  it('summarize counts every decision, zeros included', () => {
    expect(summarize([plan(), plan({ snapshot: STORED }), plan({ snapshot: STORED })]))
      .toEqual({ skip: 2, partial: 1, sample: 0, defer: 0, full: 0 });
  });
});

describe('watermark lower bounds', () => {
  it('truncates to the bucket and moves back `lookback` buckets, in UTC', async () => {
    const { watermarkLowerBound } = await import('../../src/planner/watermark.js');
    expect(watermarkLowerBound('2024-06-10T09:30:00.000000', 'day', 2)).toBe('2024-06-08T00:00:00');
    expect(watermarkLowerBound('2024-06-10T09:30:00', 'hour', 0)).toBe('2024-06-10T09:00:00');
    expect(watermarkLowerBound('2024-03-01', 'day', 1)).toBe('2024-02-29T00:00:00');
    // 2024-06-12 is a Wednesday: its ISO week starts Monday 2024-06-10.
    expect(watermarkLowerBound('2024-06-12T23:59:59', 'week', 1)).toBe('2024-06-03T00:00:00');
    expect(watermarkLowerBound('2024-01-15T00:00:00', 'month', 1)).toBe('2023-12-01T00:00:00');
    expect(watermarkLowerBound('2024-01-15', 'year', 0)).toBe('2024-01-01T00:00:00');
    expect(watermarkLowerBound('not a date', 'day', 0)).toBeNull();
  });
});
