/** Shared builders for the state-store tests: real SQLite files in throwaway folders, hostile names. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnState, TableProfile } from '../../src/profiler/state-types.js';
import type { PartitionRecord, RunRecord, TableCommit } from '../../src/state/index.js';

/** Quotes, unicode outside the BMP and SQL-ish text: names must travel as bound values, never as SQL. */
export const HOSTILE_TABLE = `main."ev'ents"; drop table x;--ü🦆`;
export const HOSTILE_COLUMN = `col "quoted" 'single' ∑ 😀`;
export const HOSTILE_PARTITION = `event_date=2026-11-21/region='eu"w'/ø`;

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'baselinr-state-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function floatState(overrides: Partial<ColumnState> = {}): ColumnState {
  return {
    type: 'DOUBLE',
    kind: 'float',
    count: 999,
    nulls: 1,
    min: -Infinity,
    max: 9999.25,
    sum: 41_000_000.5,
    mean: 41.04,
    m2: 1.5e-300,
    hll: 'sparse:AAECAw==',
    ...overrides,
  };
}

export function stringState(overrides: Partial<ColumnState> = {}): ColumnState {
  return {
    type: 'VARCHAR',
    kind: 'string',
    count: 1000,
    nulls: 0,
    min: 'AD',
    max: 'ZW "quoted" \u0000 ü',
    minLength: 2,
    maxLength: 2,
    sumLength: 2000,
    ...overrides,
  };
}

export function partition(id: string, overrides: Partial<PartitionRecord> = {}): PartitionRecord {
  return {
    partitionId: id,
    snapshot: { files: [{ path: `${id}/data_0.parquet`, size: 1234, mtime: '2026-11-21T10:00:00.123Z' }] },
    rowCount: 1000,
    sampled: false,
    profiledAt: '2026-11-22T10:00:00.000Z',
    columns: { amount: floatState(), [HOSTILE_COLUMN]: stringState() },
    ...overrides,
  };
}

export function profile(table: string, rowCount: number): TableProfile {
  return {
    table,
    profiled_at: '2026-11-22T10:00:00Z',
    row_count: rowCount,
    sampled: false,
    partitions: 2,
    columns: { amount: { type: 'DOUBLE', count: 999, null_count: 1, null_ratio: 0.001, max: Infinity } },
  };
}

export function run(runId: string, table: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    tableName: table,
    startedAt: '2026-11-22T10:00:00.000Z',
    finishedAt: '2026-11-22T10:00:01.500Z',
    decision: 'partial',
    reason: 'changed_partitions',
    status: 'ok',
    rowsScanned: 120_000,
    partitionsProfiled: 1,
    durationMs: 1500,
    error: null,
    sql: 'select count(*) from "main"."events" where "event_date" = \'2026-11-21\'',
    ...overrides,
  };
}

/** A complete first profile of `table` with two partitions. */
export function fullCommit(table: string, runId = 'run-1'): TableCommit {
  return {
    table: {
      tableName: table,
      lastDecision: 'full',
      lastReason: 'first_run',
      lastStatus: 'ok',
      snapshotId: 'snap-1',
      snapshot: { partitions: 2 },
      lastProfiledAt: '2026-11-22T10:00:00.000Z',
      profile: profile(table, 2000),
    },
    upsertPartitions: [partition('p=1'), partition('p=2')],
    replaceAllPartitions: true,
    run: run(runId, table, { decision: 'full', reason: 'first_run' }),
    events: [
      { runId, eventType: 'ProfilingCompleted', tableName: table, payload: { rows: 2000 }, createdAt: '2026-11-22T10:00:01Z' },
    ],
  };
}
