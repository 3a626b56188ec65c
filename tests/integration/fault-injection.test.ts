/**
 * A warehouse that fails one query in five (a wrapper around the real DuckDB client): transient errors are
 * retried away; hard errors fail that table only, every table that reported ok has correct state, and the
 * failed tables are retried by the next run until everything equals a full profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { createConnector } from '../../connectors/duckdb/index.js';
import { runProfile } from '../../src/api/profile.js';
import { showProfile } from '../../src/api/show.js';
import { createEventBus } from '../../src/events/index.js';
import { silentLogger } from '../../src/log.js';
import type { SourceConnector } from '../../src/connectors/types.js';
import { contextFor, tempDir } from '../helpers/workspace.js';
import { profileDiff } from '../helpers/data.js';

const TABLES = 6;
const ws = tempDir('baselinr-fault-');
let clock = Date.now() / 1000;

const yaml = (store: string) => `source: {type: duckdb, path: ":memory:"}
storage: {type: sqlite, path: ./${store}.db}
incremental: {adaptive_scheduling: {enabled: false}}
profiling:
  tables:
${Array.from({ length: TABLES }, (_, t) => `    - {name: t${t}, parquet: ./lake${t}}`).join('\n')}
`;

async function flaky(message: string, every = 5): Promise<SourceConnector> {
  const connector = await createConnector({ type: 'duckdb', path: ':memory:' });
  const real = connector.client.query.bind(connector.client);
  let n = 0;
  (connector.client as { query: typeof real }).query = async (sql, opts) => {
    if (++n % every === 0) throw new Error(message);
    return real(sql, opts);
  };
  return connector;
}

async function profileWith(connector: SourceConnector, store: string, full = false) {
  const ctx = contextFor(ws.dir, yaml(store), { connector });
  const res = await runProfile(ctx, { full, events: createEventBus({ hooks: [], logger: silentLogger() }) });
  await ctx.close();
  return res;
}

async function shown(store: string, table: string) {
  const ctx = contextFor(ws.dir, yaml(store), { readOnly: true });
  try {
    return await showProfile(ctx, table);
  } finally {
    await ctx.close();
  }
}

function touchAll(): void {
  clock += 10;
  for (let t = 0; t < TABLES; t++) {
    const dir = join(ws.dir, `lake${t}`, 'p=1');
    for (const f of readdirSync(dir)) utimesSync(join(dir, f), clock, clock);
  }
}

beforeAll(async () => {
  const c = await DuckDBClient.open(':memory:');
  for (let t = 0; t < TABLES; t++) {
    const dir = join(ws.dir, `lake${t}`);
    mkdirSync(dir, { recursive: true });
    await c.exec(`COPY (SELECT i % 3 AS p, i AS id, 'v' || (i % 17) AS s FROM range(${1000 * (t + 1)}) t(i)) TO '${dir}' (FORMAT parquet, PARTITION_BY (p))`);
  }
  await c.close();
});
afterAll(() => ws.cleanup());

async function expectEqualsFull(store: string, tables: string[]) {
  const reference = await createConnector({ type: 'duckdb', path: ':memory:' });
  const full = await profileWith(reference, `${store}-ref-${clock}`, true);
  await reference.close();
  for (const name of tables) {
    const stored = await shown(store, name);
    const expected = full.tables.find((t) => t.table === name)!.profile!;
    expect(profileDiff(stored.columns, expected.columns), name).toEqual([]);
    expect(stored.row_count).toBe(expected.row_count);
  }
}

describe('fault injection', () => {
  it('transient failures (1 in 5) are retried: every table ends ok and correct', async () => {
    const c = await flaky('Connection reset by peer (ECONNRESET)');
    const first = await profileWith(c, 'transient');
    expect(first.tables.map((t) => t.status)).toEqual(Array(TABLES).fill('ok'));
    touchAll();
    const second = await profileWith(c, 'transient');
    expect(second.tables.map((t) => `${t.decision}/${t.status}`)).toEqual(Array(TABLES).fill('partial/ok'));
    await c.close();
    await expectEqualsFull('transient', Array.from({ length: TABLES }, (_, t) => `t${t}`));
  });

  it('hard failures fail their table only; ok tables are correct; failed tables are redone next run', async () => {
    const c = await flaky('Catalog Error: injected failure');
    const seen = new Set<string>();
    for (let run = 0; run < 12 && seen.size < TABLES; run++) {
      if (run === 2) touchAll();
      const res = await profileWith(c, 'hard');
      const ok = res.tables.filter((t) => t.status === 'ok').map((t) => t.table);
      for (const t of res.tables.filter((x) => x.status === 'failed')) expect(t.error).toContain('injected failure');
      ok.forEach((t) => seen.add(t));
      // Every table that reported ok has exactly the full profile's state.
      await expectEqualsFull('hard', ok);
    }
    await c.close();
    expect(seen.size).toBe(TABLES);
    const ref = await createConnector({ type: 'duckdb', path: ':memory:' });
    const settled = await profileWith(ref, 'hard');
    await ref.close();
    expect(settled.tables.every((t) => t.status === 'skipped' || t.status === 'ok')).toBe(true);
    await expectEqualsFull('hard', Array.from({ length: TABLES }, (_, t) => `t${t}`));
  });
});
