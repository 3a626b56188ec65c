import { describe, expect, it } from 'vitest';
import { finalizeColumn, finalizeProfile, metricApplies } from '../../src/profiler/finalize.js';
import { mergePartitionStates } from '../../src/profiler/merge.js';
import { stateOfValues } from '../../src/profiler/reference-state.js';
import { ALL_METRICS, type ColumnState } from '../../src/profiler/state-types.js';

const all = ALL_METRICS;

describe('finalizeColumn', () => {
  it('derives integer metrics, with exact sums beyond 2^53 as strings', () => {
    const s = stateOfValues('integer', 'BIGINT', [1, 2, 3, 4, null]);
    expect(finalizeColumn(s, 5, all)).toEqual({
      type: 'BIGINT',
      count: 4,
      null_count: 1,
      null_ratio: 0.2,
      distinct_count: 4,
      unique_ratio: 1,
      min: 1,
      max: 4,
      sum: 10,
      mean: 2.5,
      stddev: Math.sqrt(5 / 3),
    });
    const big = stateOfValues('integer', 'BIGINT', ['9007199254740993', '9007199254740993', '-1']);
    const p = finalizeColumn(big, 3, ['min', 'max', 'sum', 'mean']);
    expect(p).toEqual({ type: 'BIGINT', min: -1, max: '9007199254740993', sum: '18014398509481985', mean: 18014398509481985 / 3 });
    expect(finalizeColumn(stateOfValues('integer', 'BIGINT', ['9007199254740992']), 1, ['max']).max).toBe('9007199254740992');
  });

  it('outputs decimals as numbers only when they round-trip', () => {
    const s = stateOfValues('decimal', 'DECIMAL(38,3)', ['12.500', '0.100', '123456789012345678.125']);
    const p = finalizeColumn(s, 3, ['min', 'max', 'sum']);
    expect(p).toEqual({ type: 'DECIMAL(38,3)', min: 0.1, max: '123456789012345678.125', sum: '123456789012345690.725' });
    expect(finalizeColumn(stateOfValues('decimal', 'DECIMAL(9,2)', ['-0.00', '7.10']), 2, ['min', 'sum'])).toEqual({
      type: 'DECIMAL(9,2)',
      min: 0,
      sum: 7.1,
    });
  });

  it('uses null for undefined ratios and moments', () => {
    const empty = stateOfValues('float', 'DOUBLE', []);
    expect(finalizeColumn(empty, 0, all)).toEqual({
      type: 'DOUBLE',
      count: 0,
      null_count: 0,
      null_ratio: null,
      distinct_count: 0,
      unique_ratio: null,
      min: null,
      max: null,
      sum: null,
      mean: null,
      stddev: null,
    });
    const one = finalizeColumn(stateOfValues('float', 'DOUBLE', [2.5, null, null]), 3, ['stddev', 'mean', 'null_ratio']);
    expect(one).toEqual({ type: 'DOUBLE', stddev: null, mean: 2.5, null_ratio: 2 / 3 });
  });

  it('keeps non-finite floats JSON-safe', () => {
    const s = stateOfValues('float', 'DOUBLE', [1, NaN, -Infinity, Infinity]);
    const p = finalizeColumn(s, 4, all);
    expect([p.min, p.max, p.sum, p.mean, p.stddev]).toEqual(['-Infinity', 'NaN', 'NaN', null, null]);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    const inf = finalizeColumn(stateOfValues('float', 'DOUBLE', [1, Infinity]), 2, ['max', 'sum']);
    expect(inf).toEqual({ type: 'DOUBLE', max: 'Infinity', sum: 'Infinity' });
  });

  it('reports string lengths in code points and omits metrics a kind does not have', () => {
    const s = stateOfValues('string', 'VARCHAR', ['a😀', '', 'héllo', null]);
    expect(finalizeColumn(s, 4, all)).toEqual({
      type: 'VARCHAR',
      count: 3,
      null_count: 1,
      null_ratio: 0.25,
      distinct_count: 3,
      unique_ratio: 1,
      min: '',
      max: 'héllo',
      min_length: 0,
      max_length: 5,
      avg_length: 7 / 3,
    });
    const b = finalizeColumn(stateOfValues('boolean', 'BOOLEAN', [true, false, true]), 3, all);
    expect(b).toEqual({ type: 'BOOLEAN', count: 3, null_count: 0, null_ratio: 0, distinct_count: 2, unique_ratio: 2 / 3 });
    const t = finalizeColumn(stateOfValues('temporal', 'DATE', ['2024-01-02', '2023-12-31']), 2, ['min', 'max', 'sum', 'avg_length']);
    expect(t).toEqual({ type: 'DATE', min: '2023-12-31', max: '2024-01-02' });
    expect(metricApplies('stddev', 'temporal')).toBe(false);
    expect(metricApplies('distinct_count', 'other')).toBe(true);
  });

  it('includes only requested metrics, and omits distinct metrics when no sketch was kept', () => {
    const s = stateOfValues('integer', 'INTEGER', [1, 1, 2], { hll: false });
    expect(finalizeColumn(s, 3, ['distinct_count', 'unique_ratio', 'count'])).toEqual({ type: 'INTEGER', count: 3 });
    expect(finalizeColumn(s, 3, [])).toEqual({ type: 'INTEGER' });
  });

  it('clamps the distinct estimate to the non-null count', () => {
    const s: ColumnState = { ...stateOfValues('integer', 'INTEGER', Array.from({ length: 5000 }, (_, i) => i)), count: 10 };
    expect(finalizeColumn(s, 10, ['distinct_count']).distinct_count).toBe(10);
  });
});

describe('finalizeProfile', () => {
  const parts = [
    { rowCount: 2, columns: { id: stateOfValues('integer', 'INTEGER', [1, 2]), name: stateOfValues('string', 'TEXT', ['x', null]) } },
    { rowCount: 1, columns: { id: stateOfValues('integer', 'INTEGER', [3]), name: stateOfValues('string', 'TEXT', ['yy']) } },
  ];

  it('builds the table profile from the merged state', () => {
    const p = finalizeProfile({
      table: 'main.t',
      profiledAt: new Date('2024-05-01T00:00:00Z'),
      state: mergePartitionStates(parts),
      partitions: 2,
      metrics: ['count', 'null_ratio', 'mean', 'avg_length'],
    });
    expect(p).toEqual({
      table: 'main.t',
      profiled_at: '2024-05-01T00:00:00.000Z',
      row_count: 3,
      sampled: false,
      partitions: 2,
      columns: {
        id: { type: 'INTEGER', count: 3, null_ratio: 0, mean: 2 },
        name: { type: 'TEXT', count: 2, null_ratio: 1 / 3, avg_length: 1.5 },
      },
    });
  });

  it('flags sampled profiles with their fraction', () => {
    const base = { table: 't', profiledAt: '2024-05-01T00:00:00Z', state: mergePartitionStates(parts), partitions: 2, metrics: [] };
    const p = finalizeProfile({ ...base, sampled: true, sampleFraction: 0.1 });
    expect([p.sampled, p.sample_fraction]).toEqual([true, 0.1]);
    expect('sample_fraction' in finalizeProfile({ ...base, sampleFraction: 0.1 })).toBe(false);
  });
});
