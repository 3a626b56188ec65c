/** A webhook hook pointed at a dead port never fails the run: exit 0, one warning per event on stderr. */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { cli, tempDir, writeConfig } from '../helpers/workspace.js';
import { openSqliteStore } from '../../src/state/index.js';

const ws = tempDir('baselinr-hook-');
afterAll(() => ws.cleanup());

async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('failing hooks', () => {
  it('completes the run with exit 0 and logs the webhook failure once per event', async () => {
    const c = await DuckDBClient.open(join(ws.dir, 'w.duckdb'));
    await c.exec(`CREATE TABLE main.a AS SELECT range AS id FROM range(10)`);
    await c.exec(`CREATE TABLE main.b AS SELECT range AS id FROM range(20)`);
    await c.close();
    const port = await deadPort();
    const cfg = writeConfig(ws.dir, `source: {type: duckdb, path: ./w.duckdb}
hooks:
  - {type: webhook, url: "http://127.0.0.1:${port}/hook?token=s3cr3t-token", timeout_ms: 500, retries: 1, headers: {Authorization: "Bearer hunter2-secret"}}
  - {type: sql}
`);
    const r = cli(['-c', cfg, '--format', 'json', 'profile']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().tables.map((t: any) => t.status)).toEqual(['ok', 'ok']);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('webhook'));
    // Two tables × (ProfilingStarted + ProfilingCompleted) = 4 events, one warning each after the retries.
    expect(warnings).toHaveLength(4);
    expect(r.stderr).not.toContain('s3cr3t-token');
    expect(r.stderr).not.toContain('hunter2-secret');
    // The sql hook beside it still delivered every event.
    const store = await openSqliteStore({ path: join(ws.dir, '.baselinr', 'state.db'), createTables: false, readOnly: true });
    const events = await store.listEvents();
    await store.close();
    expect(events.map((e) => e.eventType).sort()).toEqual(['ProfilingCompleted', 'ProfilingCompleted', 'ProfilingStarted', 'ProfilingStarted']);
  });
});
