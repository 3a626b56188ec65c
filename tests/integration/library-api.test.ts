/** The package-root library API (SPEC §9) on the demo project, as an orchestrator would drive it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plan, PlanBuilder, loadConfig, plan, profile, type BaselinrEvent, type ProfilingCompleted } from '../../src/index.js';
import { cli, tempDir } from '../helpers/workspace.js';

const ws = tempDir('baselinr-lib-');
const cfg = join(ws.dir, 'baselinr.yml');
const quiet = { logLevel: 'silent' };

beforeAll(() => {
  const r = cli(['init', ws.dir, '--demo']);
  expect(r.code, r.stderr).toBe(0);
  // Without the adaptive schedule an unchanged table is skipped for `snapshot_match`, not merely `not_due`.
  // (Newer demo configs already switch it off; adding the key twice would be invalid YAML.)
  if (!readFileSync(cfg, 'utf8').includes('adaptive_scheduling')) {
    appendFileSync(cfg, 'incremental:\n  adaptive_scheduling: {enabled: false}\n');
  }
  expect(loadConfig(cfg).incremental.adaptiveScheduling.enabled).toBe(false);
});
afterAll(() => ws.cleanup());

describe('PlanBuilder and profile()', () => {
  it('a first plan needs a full run of every table and writes nothing', async () => {
    const b = new PlanBuilder({ config: cfg, ...quiet });
    const p = await b.build();
    const toRun = b.getTablesToRun();
    expect(toRun.map((t) => [t.table, t.decision, t.reason])).toEqual([
      ['main.customers', 'full', 'first_run'],
      ['main.page_views', 'full', 'first_run'],
      ['orders', 'full', 'first_run'],
    ]);
    expect(p.getTablesToRun()).toEqual(toRun);
    const s = p.toSummary();
    expect(s).toMatchObject({ total: 3, toRun: 3, counts: { skip: 0, partial: 0, sample: 0, defer: 0, full: 3 } });
    expect(s.text).toBe('3 tables: 3 to run (full 3)');
    const doc = JSON.parse(JSON.stringify(p));
    expect(Object.keys(doc)).toEqual(['generated_at', 'tables', 'summary']);
    expect(doc.summary).toEqual(s.counts);
    expect(existsSync(join(ws.dir, '.baselinr'))).toBe(false);
  });

  it('getTablesToRun before build() says what to do', () => {
    expect(() => new PlanBuilder({ config: cfg }).getTablesToRun()).toThrow(/build\(\) first/);
  });

  it('profile() with a plan runs exactly its tables, emitting typed events; the next plan has nothing to run', async () => {
    const b = new PlanBuilder({ config: loadConfig(cfg), tables: ['main.*'], ...quiet });
    const seen: BaselinrEvent[] = [];
    const unsubscribe = b.onEvent((e) => void seen.push(e));
    const p = await b.build();
    expect(p.tables.map((t) => t.table)).toEqual(['main.customers', 'main.page_views']);
    const result = await b.profile({ plan: p });
    unsubscribe();
    expect(result.tables.map((t) => [t.table, t.decision, t.status])).toEqual([
      ['main.customers', 'full', 'ok'],
      ['main.page_views', 'full', 'ok'],
    ]);
    expect(result.tables[0].profile?.row_count).toBe(2000);
    expect(seen.map((e) => [e.type, e.table])).toEqual([
      ['ProfilingStarted', 'main.customers'],
      ['ProfilingCompleted', 'main.customers'],
      ['ProfilingStarted', 'main.page_views'],
      ['ProfilingCompleted', 'main.page_views'],
    ]);
    const completed = seen.filter((e): e is ProfilingCompleted => e.type === 'ProfilingCompleted');
    expect(completed[0]).toMatchObject({ decision: 'full', reason: 'first_run', rows_scanned: 2000, partitions: 1 });

    const again = await new PlanBuilder({ config: cfg, tables: ['main.*'], ...quiet }).build();
    expect(again.getTablesToRun()).toEqual([]);
    expect(again.tables.map((t) => t.reason)).toEqual(['snapshot_match', 'snapshot_match']);
    expect(again.toSummary().text).toBe('2 tables: 0 to run, skip 2');
  });

  it('profile() without a plan plans and runs; onEvent sees every event; then nothing is left to run', async () => {
    const types: string[] = [];
    const result = await profile({ config: cfg, onEvent: (e) => void types.push(`${e.type}:${e.table}`), ...quiet });
    expect(result.tables.map((t) => [t.table, t.decision, t.status])).toEqual([
      ['main.customers', 'skip', 'skipped'],
      ['main.page_views', 'skip', 'skipped'],
      ['orders', 'full', 'ok'],
    ]);
    expect(types).toEqual(['ProfilingSkipped:main.customers', 'ProfilingSkipped:main.page_views', 'ProfilingStarted:orders', 'ProfilingCompleted:orders']);
    expect((await plan({ config: cfg, ...quiet })).getTablesToRun()).toEqual([]);
  });

  it('a stale plan is re-planned at run time, and the entry says so', async () => {
    const stale = Plan.fromJSON({
      generated_at: '2026-01-01T00:00:00.000Z',
      tables: [{ table: 'orders', decision: 'full', reason: 'first_run', snapshot_id: null, changed_partitions: [], removed_partitions: [],
        estimated_rows: null, estimated_bytes: null, last_profiled_at: null, next_due_at: null }],
      summary: { skip: 0, partial: 0, sample: 0, defer: 0, full: 1 },
    });
    const result = await profile({ config: cfg, plan: stale, ...quiet });
    expect(result.tables).toHaveLength(1);
    expect(result.tables[0]).toMatchObject({ table: 'orders', decision: 'skip', reason: 'snapshot_match', status: 'skipped' });
    expect(result.tables[0].notes?.join(' ')).toContain('planned full/first_run');
  });

  it('a forced plan stays forced; an empty plan runs nothing', async () => {
    const forced = await plan({ config: cfg, tables: ['orders'], full: true, ...quiet });
    const result = await profile({ config: cfg, plan: forced, ...quiet });
    expect(result.tables.map((t) => [t.table, t.decision, t.reason, t.status])).toEqual([['orders', 'full', 'forced', 'ok']]);
    const empty = await plan({ config: cfg, tables: ['nothing.matches'], ...quiet });
    const none = await profile({ config: cfg, plan: empty, ...quiet });
    expect(none.tables).toEqual([]);
    expect(none.summary).toEqual({ skip: 0, partial: 0, sample: 0, defer: 0, full: 0 });
    await expect(profile({ config: cfg, plan: empty, tables: ['orders'] })).rejects.toThrow(/either `plan` or `tables`/);
  });
});

describe('package root', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));

  it('resolves by package name to the built entry point with type declarations', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const mod = await import(pkg.name);
    expect(Object.keys(mod).sort()).toEqual(['ConfigError', 'Plan', 'PlanBuilder', 'loadConfig', 'plan', 'profile']);
    const dts = readFileSync(join(root, pkg.exports['.'].types), 'utf8');
    for (const name of ['PlanBuilder', 'TableProfile', 'PlanEntry', 'ProfileEntry', 'ProfilingCompleted', 'Decision', 'Reason', 'BaselinrConfig']) {
      expect(dts, name).toContain(name);
    }
  });
});
