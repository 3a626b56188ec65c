/**
 * A simulated week, one planner tick per minute, with decisions fed back the way the executor stores them. A
 * scheduler that ticks this often is what starved tables in the Python original (skips moved last_profiled_at);
 * here it must neither starve a changing table nor over-profile a quiet one.
 */
import { describe, expect, it } from 'vitest';
import type { IncrementalConfig } from '../../src/config/types.js';
import type { TableSnapshot } from '../../src/connectors/types.js';
import type { TableStateRow } from '../../src/state/types.js';
import { isProfileDecision, planTable, type PlanTableInput, type PriorPartition, type Reason } from '../../src/planner/index.js';

const START = Date.parse('2024-06-03T00:00:00.000Z');
const WEEK = 7 * 24 * 60;
const MIN = 60;
const MAX = 10080;
// Before the day-3 change, so that change has to be found by the schedule, not by the forced run.
const FORCED_AT = 1440 + 720;

interface SimTable {
  name: string;
  partitioned: boolean;
  /** Minutes at which the table's data changes. */
  changesAt: number[];
  prior?: TableStateRow;
  priorPartitions: PriorPartition[];
  profiles: Array<{ t: number; reason: Reason }>;
  intervals: number[];
}

function config(ttl: number): IncrementalConfig {
  return {
    enabled: true,
    changeDetection: { metadataTable: 'state', snapshotTtlMinutes: ttl },
    partialProfiling: { enabled: true, allowPartitionPruning: true, maxPartitionsPerRun: 64, mergeableMetrics: ['count'] },
    adaptiveScheduling: { enabled: true, defaultIntervalMinutes: 1440, minIntervalMinutes: MIN, maxIntervalMinutes: MAX, priorityOverrides: {} },
    costControls: { enabled: true, maxRowsScanned: 1e8, maxBytesScanned: null, fallbackStrategy: 'defer', sampleFraction: 0.1, maxDeferrals: 3, maxDeferralAgeMinutes: 1440 },
  };
}

/** Each change either appends an hourly partition (partitioned tables) or rewrites the single file. */
function snapshotAt(table: SimTable, t: number): TableSnapshot {
  const n = table.changesAt.filter((c) => c <= t).length;
  const partitions = table.partitioned
    ? Array.from({ length: n + 1 }, (_, i) => ({ id: `h${String(i).padStart(4, '0')}`, fingerprint: 'f', rowCount: 10 }))
    : [{ id: 'all', fingerprint: `v${n}`, rowCount: 10 }];
  const snapshotId = partitions.map((p) => `${p.id}=${p.fingerprint}`).join(',');
  return { snapshotId, exact: true, columns: [], schemaHash: 'h', partitions, takenAt: iso(t) };
}

const iso = (t: number) => new Date(START + t * 60_000).toISOString();

function simulate(ttl: number, minutes: number): SimTable[] {
  const tables: SimTable[] = [
    { name: 'never', partitioned: false, changesAt: [] },
    { name: 'hourly', partitioned: true, changesAt: Array.from({ length: minutes / 60 }, (_, i) => (i + 1) * 60) },
    { name: 'day3', partitioned: false, changesAt: [3 * 1440 + 17] },
  ].map((t) => ({ ...t, priorPartitions: [], profiles: [], intervals: [] }));
  const incremental = config(ttl);
  for (let t = 0; t < minutes; t += 1) {
    const now = new Date(START + t * 60_000);
    for (const table of tables) {
      const snapshot = snapshotAt(table, t);
      const input: PlanTableInput = {
        name: table.name, contract: { kind: 'event_stream' }, nativePartitions: table.partitioned, metrics: ['count'],
        snapshot, prior: table.prior, priorPartitions: table.priorPartitions,
      };
      const d = planTable(input, { now, incremental, forceFull: t === FORCED_AT });
      const checked = { lastCheckedAt: now.toISOString(), nextDueAt: d.nextDueAt, intervalMinutes: d.intervalMinutes, deferrals: d.deferrals };
      const base: TableStateRow = table.prior ?? {
        tableName: table.name, lastDecision: null, lastReason: null, lastStatus: null, snapshotId: null, snapshot: null,
        schemaHash: null, lastProfiledAt: null, lastCheckedAt: null, nextDueAt: null, intervalMinutes: null, deferrals: 0,
        pending: null, profile: null, sampled: false, updatedAt: now.toISOString(),
      };
      if (isProfileDecision(d.decision)) {
        table.prior = {
          ...base, ...checked, lastDecision: d.decision, lastReason: d.reason, lastProfiledAt: now.toISOString(),
          snapshotId: snapshot.snapshotId, snapshot: { snapshotId: snapshot.snapshotId, schemaHash: snapshot.schemaHash },
          schemaHash: snapshot.schemaHash, deferrals: 0, pending: null,
        };
        table.priorPartitions = snapshot.partitions.map((p) => ({ id: p.id, fingerprint: p.fingerprint }));
        table.profiles.push({ t, reason: d.reason });
      } else {
        // Skips and defers store the schedule only: never lastProfiledAt, never the snapshot.
        table.prior = { ...base, ...checked, lastDecision: d.decision, lastReason: d.reason, pending: d.pending ?? base.pending };
      }
      table.intervals.push(d.intervalMinutes);
    }
  }
  return tables;
}

// With a one-day TTL the quiet table learns from its TTL profiles; with a TTL beyond the run only skips teach it,
// and 1440 → 2880 → 5760 → 10080 needs checks at minutes 1440, 4320 and 10080 — one past the week — so that
// variant runs two weeks.
describe.each([
  ['a week, TTL of a day', 1440, WEEK],
  ['two weeks, TTL of a month', 43200, 2 * WEEK],
])('simulated %s', (_name, ttl, minutes) => {
  const tables = simulate(ttl, minutes);
  const byName = Object.fromEntries(tables.map((t) => [t.name, t]));

  it('a table that never changes backs off to the maximum interval', () => {
    const never = byName.never;
    expect(never.intervals.at(-1)).toBe(MAX);
    expect(Math.max(...never.intervals)).toBe(MAX);
    if (ttl > minutes) expect(never.profiles.map((p) => p.reason)).toEqual(['first_run', 'forced']);
    else expect(never.profiles.filter((p) => p.reason === 'ttl_expired').length).toBeGreaterThan(0);
  });

  it('a table that changes every hour is checked every minimum interval', () => {
    expect(byName.hourly.intervals.at(-1)).toBe(MIN);
    expect(byName.hourly.profiles.length).toBeGreaterThan(100);
    expect(new Set(byName.hourly.profiles.map((p) => p.reason))).toContain('changed_partitions');
  });

  it('every change is profiled within the maximum interval (no starvation)', () => {
    for (const table of tables) {
      for (const changed of table.changesAt) {
        // A change too close to the end may still be waiting, but never longer than MAX so far.
        const seenAt = table.profiles.find((p) => p.t >= changed)?.t ?? minutes;
        expect(seenAt - changed, `${table.name} change at ${changed}`).toBeLessThanOrEqual(MAX);
      }
    }
    if (ttl > minutes) expect(byName.day3.profiles.map((p) => p.reason)).toContain('snapshot_changed');
  });

  it('no table is profiled more often than the minimum interval, except forced and first runs', () => {
    for (const table of tables) {
      const gaps = table.profiles.slice(1)
        .map((p, i) => ({ ...p, gap: p.t - table.profiles[i].t }))
        .filter((p) => p.reason !== 'forced' && p.reason !== 'first_run');
      expect(gaps.filter((g) => g.gap < MIN), table.name).toEqual([]);
    }
    for (const table of tables) expect(table.profiles.filter((p) => p.reason === 'forced').map((p) => p.t)).toEqual([FORCED_AT]);
  });
});
