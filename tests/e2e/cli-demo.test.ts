/** The README's path, as a user runs it: init --demo, profile, show, state — through the built CLI. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/workspace.js';

const ws = tempDir('baselinr-e2e-');
const cfg = join(ws.dir, 'baselinr.yml');

beforeAll(() => {
  const r = cli(['init', ws.dir, '--demo']);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => ws.cleanup());

describe('demo project through the CLI', () => {
  it('validate accepts the demo config without connecting', () => {
    const r = cli(['-c', cfg, 'validate']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('valid');
  });

  it('plan on a fresh project is read-only: first_run for every table, no state file created', () => {
    const r = cli(['-c', cfg, '--format', 'json', 'plan']);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.tables.map((t: any) => [t.table, t.decision, t.reason])).toEqual([
      ['main.customers', 'full', 'first_run'],
      ['main.page_views', 'full', 'first_run'],
      ['orders', 'full', 'first_run'],
    ]);
    expect(doc.summary).toEqual({ skip: 0, partial: 0, sample: 0, defer: 0, full: 3 });
    expect(existsSync(join(ws.dir, '.baselinr'))).toBe(false);
  });

  it('profile --format json prints one JSON document in the SPEC shape', () => {
    const r = cli(['-c', cfg, '--format', 'json', 'profile']);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(typeof doc.generated_at).toBe('string');
    const orders = doc.tables.find((t: any) => t.table === 'orders');
    expect(orders).toMatchObject({ decision: 'full', reason: 'first_run', status: 'ok', rows_scanned: 20000, partitions_profiled: 30 });
    for (const key of ['snapshot_id', 'changed_partitions', 'estimated_rows', 'estimated_bytes', 'last_profiled_at', 'next_due_at', 'duration_ms', 'profile']) {
      expect(orders, key).toHaveProperty(key);
    }
    expect(orders.profile.row_count).toBe(20000);
    expect(orders.profile.columns.order_date.min).toBe('2026-10-01');
    expect(orders.profile.columns.order_date.max).toBe('2026-10-30');
  });

  it('show prints the stored profile without touching the warehouse', () => {
    const r = cli(['-c', cfg, '--format', 'json', 'show', 'main.customers']);
    expect(r.code, r.stderr).toBe(0);
    const p = r.json();
    expect(p).toMatchObject({ table: 'main.customers', row_count: 2000, sampled: false, partitions: 1 });
    // customers.id = 1..2000; lifetime_value is NULL when id % 17 = 0 (117 rows).
    expect(p.columns.id).toMatchObject({ type: 'BIGINT', count: 2000, null_count: 0, min: 1, max: 2000, sum: 2001000, mean: 1000.5 });
    expect(p.columns.id.stddev).toBeCloseTo(Math.sqrt((2000 * 2001) / 12), 9);
    expect(p.columns.lifetime_value).toMatchObject({ null_count: 117, count: 1883 });
    expect(p.columns.country).toMatchObject({ min: 'BR', max: 'US', min_length: 2, max_length: 2, avg_length: 2 });
    expect(p.columns.country.distinct_count).toBe(8);
    const table = cli(['-c', cfg, 'show', 'main.customers']);
    expect(table.stdout).toContain('lifetime_value');
  });

  it('state lists every table with its last decision', () => {
    const r = cli(['-c', cfg, '--format', 'json', 'state']);
    expect(r.code, r.stderr).toBe(0);
    const s = r.json();
    expect(s.tables.map((t: any) => [t.table, t.last_decision, t.last_reason, t.last_status])).toEqual([
      ['main.customers', 'full', 'first_run', 'ok'],
      ['main.page_views', 'full', 'first_run', 'ok'],
      ['orders', 'full', 'first_run', 'ok'],
    ]);
    expect(s.tables.every((t: any) => t.last_profiled_at && t.snapshot_id)).toBe(true);
  });

  it('show of an unknown table fails with a clear message', () => {
    const r = cli(['-c', cfg, 'show', 'main.nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no profile for table "main.nope"');
  });

  it('a missing config is a usage error (exit 2) naming the file', () => {
    const r = cli(['-c', join(ws.dir, 'missing.yml'), 'plan']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.yml');
  });

  it('--help explains the commands', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['init', 'validate', 'plan', 'profile', 'show', 'state']) expect(r.stdout).toContain(c);
  });
});
