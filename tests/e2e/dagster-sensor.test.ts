/**
 * The Dagster example's core logic (examples/dagster/sensor.py), run by python3 with the standard library only,
 * against a real `baselinr serve` and against `baselinr plan --format json`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, cli, tempDir } from '../helpers/workspace.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

const EXAMPLE_DIR = fileURLToPath(new URL('../../examples/dagster/', import.meta.url));
const ws = tempDir('baselinr-dagster-');
const cfg = join(ws.dir, 'baselinr.yml');
const TOKEN = 'dagster-test-token';
let srv: ServeProcess;

/** Prints {"requests": [...]} or {"error": ..., "status": ...}; never lets a traceback pass as output. */
const DRIVER = `
import json, os, sys
sys.path.insert(0, sys.argv[1])
import sensor
mode, target = sys.argv[2], sys.argv[3]
try:
    if mode == "serve":
        plan = sensor.fetch_plan(target, token=os.environ.get("DRIVER_TOKEN"))
    elif mode == "cli":
        plan = sensor.plan_from_cli(target, executable=[sys.argv[4], sys.argv[5]])
    elif mode == "profile":
        result = sensor.profile_tables(target, sys.argv[4].split(","), token=os.environ.get("DRIVER_TOKEN"))
        plan = sensor.fetch_plan(target, token=os.environ.get("DRIVER_TOKEN"))
        print(json.dumps({"profiled": [[t["table"], t["status"]] for t in result["tables"]], "requests": sensor.run_requests(plan)}))
        sys.exit(0)
    elif mode == "no-dagster":
        try:
            sensor.build_sensor(job=None, url=target)
        except ImportError as e:
            print(json.dumps({"import_error": e.name}))
        sys.exit(0)
    print(json.dumps({"requests": sensor.run_requests(plan), "needing": len(sensor.tables_needing_work(json.dumps(plan)))}))
except sensor.BaselinrError as e:
    print(json.dumps({"error": str(e), "status": e.status}))
`;

function driver(args: string[], token?: string): any {
  const r = spawnSync('python3', ['-c', DRIVER, EXAMPLE_DIR, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...(token ? { DRIVER_TOKEN: token } : {}) },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  const r = cli(['init', ws.dir, '--demo']);
  expect(r.code, r.stderr).toBe(0);
  srv = await startServe(cfg, { env: { BASELINR_SERVE_TOKEN: TOKEN } });
});
afterAll(async () => {
  await srv?.stop();
  ws.cleanup();
});

describe('Dagster sensor core against baselinr', () => {
  it('GET /plan on a fresh project: one run request per table, keyed by table and snapshot', () => {
    const out = driver(['serve', srv.url], TOKEN);
    expect(out.needing).toBe(3);
    expect(out.requests.map((r: any) => [r.table, r.tags['baselinr/decision'], r.tags['baselinr/reason']])).toEqual([
      ['main.customers', 'full', 'first_run'],
      ['main.page_views', 'full', 'first_run'],
      ['orders', 'full', 'first_run'],
    ]);
    for (const r of out.requests) {
      expect(r.run_key).toBe(`${r.table}@${r.entry.snapshot_id}#never`);
      expect(r.entry.snapshot_id).toMatch(/\S/);
    }
  });

  it('`baselinr plan --format json` gives the same run keys, so either source dedupes the same way', () => {
    const viaServe = driver(['serve', srv.url], TOKEN).requests.map((r: any) => r.run_key);
    const viaCli = driver(['cli', cfg, process.execPath, BIN]).requests.map((r: any) => r.run_key);
    expect(viaCli).toEqual(viaServe);
  });

  it('a wrong or missing token is a BaselinrError carrying the status', () => {
    expect(driver(['serve', srv.url])).toMatchObject({ status: 401, error: expect.stringContaining('bearer token') });
    expect(driver(['serve', srv.url], 'nope')).toMatchObject({ status: 401 });
  });

  it('after profiling through POST /profile, only the remaining tables are requested, then none', () => {
    const one = driver(['profile', srv.url, 'orders'], TOKEN);
    expect(one.profiled).toEqual([['orders', 'ok']]);
    expect(one.requests.map((r: any) => r.table)).toEqual(['main.customers', 'main.page_views']);
    const rest = driver(['profile', srv.url, 'main.*'], TOKEN);
    expect(rest.profiled).toEqual([['main.customers', 'ok'], ['main.page_views', 'ok']]);
    expect(rest.requests).toEqual([]);
    expect(driver(['cli', cfg, process.execPath, BIN]).requests).toEqual([]);
  });

  it('imports without Dagster; only build_sensor needs it', () => {
    const probe = spawnSync('python3', ['-c', 'import dagster'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) return; // Dagster is installed here: nothing to prove about its absence.
    expect(driver(['no-dagster', srv.url])).toEqual({ import_error: 'dagster' });
  });
});
