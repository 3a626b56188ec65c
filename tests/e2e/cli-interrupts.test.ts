/**
 * SIGINT cancels the in-flight warehouse query, writes nothing half-done and exits 130; `kill -9` mid-scan
 * leaves the store consistent. In both cases the next run redoes what was lost and equals a full profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { BIN, cli, tempDir, writeConfig } from '../helpers/workspace.js';
import { profileDiff } from '../helpers/data.js';

const ws = tempDir('baselinr-int-');
const ROWS = 4_000_000;
let cfg: string;

beforeAll(async () => {
  const lake = join(ws.dir, 'lake');
  mkdirSync(lake, { recursive: true });
  const c = await DuckDBClient.open(':memory:');
  await c.exec(`COPY (SELECT i % 20 AS p, i AS id, md5(i::VARCHAR) AS h, (i * 13) % 1000 AS v, i * 0.5 AS f FROM range(${ROWS}) t(i))
    TO '${lake}' (FORMAT parquet, PARTITION_BY (p))`);
  await c.close();
  cfg = writeConfig(ws.dir, `source: {type: duckdb, path: ":memory:"}
incremental: {adaptive_scheduling: {enabled: false}}
hooks: [{type: log}]
profiling:
  tables:
    - name: big
      parquet: ./lake
`);
}, 120_000);
afterAll(() => ws.cleanup());

/** Starts `profile`, sends `signal` once the scan is under way, resolves with the exit code. */
function interruptedRun(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '-c', cfg, '--log-level', 'info', 'profile'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      // The log hook prints ProfilingStarted just before the scan: interrupt it shortly after.
      if (!sent && stderr.includes('ProfilingStarted')) {
        sent = true;
        setTimeout(() => child.kill(signal), 300);
      }
    });
    child.on('exit', (code, sig) => resolve({ code, signal: sig, stderr }));
  });
}

function stateOf(): any[] {
  const r = cli(['-c', cfg, '--format', 'json', 'state']);
  return r.code === 0 ? r.json().tables : [];
}

describe('interrupts', () => {
  it('SIGINT: exit 130, nothing half-written; kill -9: store consistent; reruns equal a full profile', async () => {
    const before = Date.now();
    const r = await interruptedRun('SIGINT');
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - before).toBeLessThan(20_000);
    // No profile was stored for the interrupted table.
    expect(stateOf().filter((t) => t.last_profiled_at)).toEqual([]);

    const k = await interruptedRun('SIGKILL');
    expect(k.signal).toBe('SIGKILL');
    expect(stateOf().filter((t) => t.last_profiled_at)).toEqual([]);

    // The killed run's lease belongs to a dead process: the rerun takes it over at once.
    const rerun = cli(['-c', cfg, '--format', 'json', 'profile']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const t = rerun.json().tables[0];
    expect(t).toMatchObject({ decision: 'full', reason: 'first_run', status: 'ok', rows_scanned: ROWS });
    const full = cli(['-c', cfg, '--format', 'json', 'profile', '--full']).json().tables[0];
    expect(profileDiff(t.profile.columns, full.profile.columns)).toEqual([]);
  }, 180_000);
});
