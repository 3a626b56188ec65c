/**
 * Differential test on a real PostgreSQL (DESIGN §7): a plain table and a declaratively partitioned one (32
 * children) take a seeded sequence of random changes — INSERT/UPDATE/DELETE, partition-key moves, TRUNCATE,
 * ATTACH/DETACH PARTITION, rolled-back writes, no-ops, pg_stat_reset(), added/dropped columns. After each, the
 * incremental run must decide what the change calls for (skip / partial on exactly the touched children / full
 * with the right reason), read only the changed children, and its stored profile must equal a `--full` profile
 * into an empty SQLite file. Steps: 40 (CI), or BASELINR_DIFF_STEPS; seed: BASELINR_DIFF_SEED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createConnector } from '../../connectors/postgres/index.js';
import { parseConfig } from '../../src/config/index.js';
import { createContext } from '../../src/api/context.js';
import { runProfile, type ProfileEntry } from '../../src/api/profile.js';
import { showProfile } from '../../src/api/show.js';
import { createEventBus } from '../../src/events/index.js';
import { silentLogger } from '../../src/log.js';
import type { SourceConnector } from '../../src/connectors/types.js';
import type { TableProfile } from '../../src/profiler/state-types.js';
import { diffProfiles } from '../helpers/differential.js';
import { prng, sqlString } from '../helpers/data.js';
import { tempDir } from '../helpers/workspace.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';

const STEPS = Number(process.env.BASELINR_DIFF_STEPS ?? 40);
const SEED = Number(process.env.BASELINR_DIFF_SEED ?? 20261123);
const rand = prng(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const COLUMNS = 'id bigint, b integer, amount double precision, qty integer, price numeric(12,2), name text, ts timestamptz, day date, flag boolean';
const NAMES = ['alpha', 'Beta', 'gamma', "O'Brien", '日本語', '😀 smile', 'Zürich', 'e\u0301', '', 'tab\there', 'İı', 'x'.repeat(200)];
const child = (n: number) => `part_${String(n).padStart(2, '0')}`;

let nextId = 1;
function row(b: number): string {
  const nul = (v: string) => (rand() < 0.1 ? 'NULL' : v);
  const amount = rand() < 0.05 ? pick(['1e-300', '2.5e-7', '123456789.125']) : String(rand() * 1100 - 100);
  const qty = rand() < 0.05 ? pick(['2147483647', '-2147483648']) : String(int(-1000, 1000));
  const price = rand() < 0.05 ? pick(['9999999999.99', '-9999999999.99']) : (rand() * 20000 - 10000).toFixed(2);
  const ts = new Date(Date.UTC(2020, 0, 1) + Math.floor(rand() * 3.15e11)).toISOString().replace('Z', `${int(0, 999)}+00`);
  const day = new Date(Date.UTC(2020, 0, 1) + int(0, 3650) * 86_400_000).toISOString().slice(0, 10);
  return `(${nextId++}, ${b}, ${nul(amount)}, ${nul(qty)}, ${nul(price)}, ${nul(sqlString(`${pick(NAMES)}${int(0, 99)}`))}, ` +
    `${nul(sqlString(ts))}, ${nul(sqlString(day))}, ${nul(rand() < 0.5 ? 'true' : 'false')})`;
}
const rows = (n: number, b: () => number) => Array.from({ length: n }, () => row(b())).join(', ');

/** What the planner must say next, per table (reset after each profile). */
const model = { children: new Set<string>(), stored: new Set<string>(), dirty: new Set<string>(), plainDirty: false, reset: false, schema: '' as '' | 'part' | 'plain' };
let extra = 0;
const partExtras: string[] = [];

/** One random change; returns its description and updates the model. */
async function change(db: TestDatabase): Promise<string> {
  const kids = [...model.children].sort();
  const k = pick(kids);
  const lo = Number(k.slice(5)) * 10;
  const ops = ['insert', 'insert', 'update', 'delete', 'move', 'truncate', 'attach', 'detach', 'rollback', 'noop', 'plain', 'plain', 'reset', 'schema'];
  const op = kids.length < 2 ? 'attach' : pick(ops);
  const touched = (n: number, ...ids: string[]) => (n > 0 ? ids.forEach((id) => model.dirty.add(id)) : undefined);
  switch (op) {
    case 'insert': touched(await db.exec(`INSERT INTO diff.part VALUES ${rows(int(1, 20), () => lo + int(0, 9))}`), k); break;
    case 'update': touched(await db.exec(`UPDATE diff.part SET qty = qty / 2, name = name || '!' WHERE b >= ${lo} AND b < ${lo + 10} AND id % 3 = ${int(0, 2)}`), k); break;
    case 'delete': touched(await db.exec(`DELETE FROM diff.part WHERE b >= ${lo} AND b < ${lo + 10} AND id % 4 = ${int(0, 3)}`), k); break;
    case 'move': {
      const to = pick(kids);
      touched(await db.exec(`UPDATE diff.part SET b = ${Number(to.slice(5)) * 10} WHERE b >= ${lo} AND b < ${lo + 10} AND id % 5 = 0`), k, to);
      break;
    }
    case 'truncate': await db.exec(`TRUNCATE diff.${k}`); model.dirty.add(k); break;
    case 'attach': {
      const n = Math.max(...kids.map((x) => Number(x.slice(5)))) + 1;
      await db.exec(`CREATE TABLE diff.${child(n)} (${COLUMNS}) WITH (autovacuum_enabled = false);
        ${rand() < 0.2 ? '' : `INSERT INTO diff.${child(n)} (id, b, amount, qty, price, name, ts, day, flag) VALUES ${rows(int(1, 15), () => n * 10 + int(0, 9))};`}
        ${partExtras.map((c) => `ALTER TABLE diff.${child(n)} ADD COLUMN ${c} integer DEFAULT 1;`).join('\n')}
        ALTER TABLE diff.part ATTACH PARTITION diff.${child(n)} FOR VALUES FROM (${n * 10}) TO (${n * 10 + 10})`);
      model.children.add(child(n));
      model.dirty.add(child(n));
      return `attach ${child(n)}`;
    }
    case 'detach': await db.exec(`ALTER TABLE diff.part DETACH PARTITION diff.${k}; DROP TABLE diff.${k}`); model.children.delete(k); model.dirty.delete(k); break;
    case 'rollback': await db.exec(`BEGIN; INSERT INTO diff.part VALUES ${rows(3, () => lo)}; ROLLBACK`); model.dirty.add(k); break;
    case 'noop': await db.exec(`UPDATE diff.part SET qty = 0 WHERE id < 0`); return 'no-op';
    case 'plain': {
      const sql = pick([`INSERT INTO diff.plain VALUES ${rows(int(1, 30), () => int(0, 9))}`, `UPDATE diff.plain SET price = -price WHERE id % 7 = ${int(0, 6)}`,
        `DELETE FROM diff.plain WHERE id % 9 = ${int(0, 8)}`, `TRUNCATE diff.plain; INSERT INTO diff.plain VALUES ${rows(40, () => int(0, 9))}`]);
      model.plainDirty = (await db.exec(sql)) > 0 || sql.startsWith('TRUNCATE') || model.plainDirty;
      return `plain: ${sql.slice(0, 30)}`;
    }
    case 'reset': await db.exec(`SELECT pg_stat_reset()`); model.reset = true; return 'pg_stat_reset()';
    case 'schema': {
      const t = pick(['part', 'plain'] as const);
      const col = `extra${extra++}`;
      if (t === 'part') partExtras.push(col);
      await db.exec(t === 'part' ? `ALTER TABLE diff.part ADD COLUMN ${col} integer DEFAULT 7` : `ALTER TABLE diff.plain ADD COLUMN ${col} text DEFAULT 'x'`);
      model.schema = t;
      return `add column to ${t}`;
    }
  }
  return `${op} ${k}`;
}

function expected(table: 'part' | 'plain') {
  if (model.schema === table) return { decision: 'full', reason: 'schema_changed' };
  if (model.reset) return { decision: 'full', reason: 'stats_reset' };
  if (table === 'plain') return model.plainDirty ? { decision: 'full', reason: 'snapshot_changed' } : { decision: 'skip', reason: 'snapshot_match' };
  const changed = [...model.dirty].filter((c) => model.children.has(c)).sort();
  const removed = [...model.stored].filter((c) => !model.children.has(c)).sort();
  if (changed.length === 0 && removed.length === 0) return { decision: 'skip', reason: 'snapshot_match' };
  return { decision: 'partial', reason: 'changed_partitions', changed, removed };
}

let db: TestDatabase;
const ws = tempDir('baselinr-pg-diff-');
let inc: SourceConnector;
let ref: SourceConnector;
const yaml = (store: string) => `source: {type: postgres, url: ${JSON.stringify(db.url)}}
storage: {type: sqlite, path: ${JSON.stringify(store)}}
profiling:
  tables: [{schema: diff, table: part}, {schema: diff, table: plain}]
incremental: {adaptive_scheduling: {enabled: false}}
`;

async function run(store: string, connector: SourceConnector, full: boolean): Promise<{ entries: ProfileEntry[]; profiles: Record<string, TableProfile> }> {
  const ctx = createContext(parseConfig(yaml(store), { file: join(ws.dir, 'baselinr.yml'), env: {} }), { logger: silentLogger(), connector });
  try {
    const res = await runProfile(ctx, { full, events: createEventBus({ hooks: [], logger: silentLogger() }) });
    const profiles: Record<string, TableProfile> = {};
    for (const e of res.tables) if (e.status === 'ok' || e.status === 'skipped') profiles[e.table] = await showProfile(ctx, e.table);
    return { entries: res.tables, profiles };
  } finally {
    await ctx.close();
  }
}

beforeAll(async () => {
  db = await createTestDatabase('diff');
  await db.exec(`CREATE SCHEMA diff; CREATE TABLE diff.plain (${COLUMNS}) WITH (autovacuum_enabled = false);
    CREATE TABLE diff.part (${COLUMNS}) PARTITION BY RANGE (b)`);
  for (let n = 0; n < 32; n++) {
    // Autovacuum may truncate a file between steps: a harmless false change, but it would blur the expected decisions.
    await db.exec(`CREATE TABLE diff.${child(n)} PARTITION OF diff.part FOR VALUES FROM (${n * 10}) TO (${n * 10 + 10}) WITH (autovacuum_enabled = false)`);
    model.children.add(child(n));
  }
  await db.exec(`INSERT INTO diff.part VALUES ${rows(1500, () => int(0, 319))}; INSERT INTO diff.plain VALUES ${rows(300, () => int(0, 9))}`);
  inc = await createConnector({ type: 'postgres', url: db.url, schema: 'public' });
  ref = await createConnector({ type: 'postgres', url: db.url, schema: 'public' });
});
afterAll(async () => {
  await Promise.all([inc?.close(), ref?.close()]);
  await db?.drop();
  ws.cleanup();
});

describe(`differential on PostgreSQL (seed ${SEED}, ${STEPS} steps)`, () => {
  it('every incremental profile equals a --full profile into an empty store', async () => {
    const history: string[] = ['initial'];
    for (let step = 0; step <= STEPS; step++) {
      const logStart = inc.client.queryLog.length;
      const got = await run(join(ws.dir, 'incremental.db'), inc, false);
      const want = await run(join(ws.dir, `full-${step}.db`), ref, true);
      const scans = inc.client.queryLog.slice(logStart).filter((q) => q.kind === 'data');
      const problems: string[] = [];
      for (const t of ['part', 'plain'] as const) {
        const e = got.entries.find((x) => x.table === `diff.${t}`)!;
        const exp = step === 0 ? { decision: 'full', reason: 'first_run' } : expected(t);
        const actual = { decision: e.decision, reason: e.reason, ...('changed' in exp ? { changed: e.changed_partitions, removed: e.removed_partitions } : {}) };
        if (e.status === 'failed') problems.push(`${t}: failed: ${e.error}`);
        if (JSON.stringify(actual) !== JSON.stringify(exp)) problems.push(`${t}: ${JSON.stringify(actual)}, expected ${JSON.stringify(exp)} (${e.error ?? ''})`);
        const [a, b] = [got.profiles[`diff.${t}`], want.profiles[`diff.${t}`]];
        if (!a || !b) problems.push(`${t}: no profile (incremental ${!!a}, full ${!!b})`);
        else problems.push(...diffProfiles(a, b).map((p) => `${t}: ${p}`));
        const scan = scans.find((q) => q.table === `diff.${t}`);
        // A skip reads nothing, and so does a partial that only drops detached partitions.
        const reads = e.decision !== 'skip' && !(e.decision === 'partial' && e.changed_partitions.length === 0);
        if ((scan !== undefined) !== reads) problems.push(`${t}: ${e.decision} issued ${scan ? 'a' : 'no'} data scan`);
        if (t === 'part' && e.decision === 'partial' && scan) {
          // Each child appears twice: in the union the other metrics read and in its own sketch branch.
          const read = [...new Set([...scan.sql.matchAll(/FROM "diff"\."(part_\d+)"/g)].map((m) => m[1]))].sort();
          if (read.join() !== e.changed_partitions.join()) problems.push(`partial read [${read}] for changed [${e.changed_partitions}]`);
        }
      }
      expect(problems, `step ${step}: ${history.join(' | ')}`).toEqual([]);
      Object.assign(model, { stored: new Set(model.children), dirty: new Set(), plainDirty: false, reset: false, schema: '' });
      if (step < STEPS) history.push(await change(db));
    }
  }, 600_000);
});
