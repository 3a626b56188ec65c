/**
 * Hostile identifiers on a real PostgreSQL: mixed case, quotes, spaces, reserved words, unicode and names that
 * collide with the scan's own aliases, in schema, table, column and partition names — they profile correctly.
 * Config values cannot inject SQL: an injection that would succeed silently (widen a catalog match, add a
 * column) is used on purpose, so the session's read-only mode cannot hide a quoting bug.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProfile, type ProfileEntry } from '../../src/api/profile.js';
import { createEventBus } from '../../src/events/index.js';
import { silentLogger } from '../../src/log.js';
import { contextFor, tempDir } from '../helpers/workspace.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';

const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
const SCHEMA = 'Sch "ema" ü 😀';
const OTHER = 'Other Schema';
const TABLE = 'Select "T"; DROP TABLE x --';
const PART = 'Part "P" ünï';
const COLS = ['Mixed Case', 'quote"col', 'select', 'ünï côdé 😀', "a'b", '__p', 'c0', '__rows', '__baselinr_partition'];

let db: TestDatabase;
const ws = tempDir();

async function profile(tables: string, dir = ws.dir): Promise<ProfileEntry[]> {
  const ctx = contextFor(dir, `source: {type: postgres, url: ${JSON.stringify(db.url)}}
incremental: {adaptive_scheduling: {enabled: false}}
profiling:
  tables:
${tables}`);
  try {
    return (await runProfile(ctx, { events: createEventBus({ hooks: [], logger: silentLogger() }) })).tables;
  } finally {
    await ctx.close();
  }
}
const entry = (o: Record<string, unknown>) => `    - ${JSON.stringify(o)}\n`;

beforeAll(async () => {
  db = await createTestDatabase('hostile');
  const cols = COLS.map((c, i) => `${q(c)} ${i % 2 ? 'text' : 'integer'}`).join(', ');
  const vals = (n: number) => COLS.map((_, i) => (i % 2 ? `'v${n}'` : String(n))).join(', ');
  await db.exec(`CREATE SCHEMA ${q(SCHEMA)}; CREATE SCHEMA ${q(OTHER)}; CREATE TABLE public.victim (id int)`);
  await db.exec(`CREATE TABLE ${q(SCHEMA)}.${q(TABLE)} (${cols}); INSERT INTO ${q(SCHEMA)}.${q(TABLE)} VALUES (${vals(1)}), (${vals(2)}), (${vals(3)})`);
  await db.exec(`CREATE TABLE ${q(SCHEMA)}.${q(PART)} (${cols}) PARTITION BY LIST (${q('Mixed Case')})`);
  await db.exec(`CREATE TABLE ${q(SCHEMA)}.${q('Child "1"')} PARTITION OF ${q(SCHEMA)}.${q(PART)} FOR VALUES IN (1)`);
  await db.exec(`CREATE TABLE ${q(SCHEMA)}.${q('child 2 ü')} PARTITION OF ${q(SCHEMA)}.${q(PART)} FOR VALUES IN (2)`);
  await db.exec(`CREATE TABLE ${q(OTHER)}.${q('x"y')} PARTITION OF ${q(SCHEMA)}.${q(PART)} FOR VALUES IN (3)`);
  await db.exec(`INSERT INTO ${q(SCHEMA)}.${q(PART)} VALUES (${vals(1)}), (${vals(2)}), (${vals(2)}), (${vals(3)})`);
});
afterAll(async () => {
  await db?.drop();
  ws.cleanup();
});

describe('hostile identifiers', () => {
  it('profile correctly in schema, table, column and partition names', async () => {
    const [plain, part] = await profile(entry({ schema: SCHEMA, table: TABLE }) + entry({ schema: SCHEMA, table: PART }));
    expect([plain.status, plain.error, part.status, part.error]).toEqual(['ok', undefined, 'ok', undefined]);
    expect(plain.table).toBe(`${SCHEMA}.${TABLE}`);
    expect(Object.keys(plain.profile!.columns)).toEqual(COLS);
    COLS.forEach((c, i) => {
      const col = plain.profile!.columns[c];
      expect([col.count, col.min, col.max]).toEqual(i % 2 ? [3, 'v1', 'v3'] : [3, 1, 3]);
    });
    expect([part.profile!.row_count, part.profile!.partitions]).toEqual([4, 3]);
    expect(part.profile!.columns['select']).toMatchObject({ count: 4, min: 1, max: 3, sum: 8 });
    expect(part.profile!.columns['ünï côdé 😀']).toMatchObject({ count: 4, min: 'v1', max: 'v3' });
  });

  it('a changed hostile partition is re-read alone and keeps its id', async () => {
    const dir = tempDir();
    const yaml = entry({ schema: SCHEMA, table: PART });
    await profile(yaml, dir.dir);
    await db.exec(`INSERT INTO ${q(OTHER)}.${q('x"y')} VALUES (${COLS.map((_, i) => (i % 2 ? "'w'" : '3')).join(', ')})`);
    const [again] = await profile(yaml, dir.dir);
    dir.cleanup();
    expect([again.decision, again.changed_partitions, again.status]).toEqual(['partial', [`${OTHER}.x"y`], 'ok']);
    expect(again.profile!.row_count).toBe(5);
  });
});

describe('config values cannot inject SQL', () => {
  it.each([
    ['a table name', { schema: 'public', table: "victim' OR c.relname <> '" }],
    ['a schema name', { schema: "nope' OR n.nspname = 'public", table: 'victim' }],
    ['a dotted table name', { table: "public.victim' --" }],
  ])('%s widening the catalog match finds nothing', async (_what, cfg) => {
    const [e] = await profile(entry(cfg));
    expect(e.status).toBe('failed');
    expect(e.error).toMatch(/does not exist/);
  });

  it('a partition key smuggling a column list is one (missing) identifier', async () => {
    const key = 'id", 1 AS "x';
    const [e] = await profile(entry({ schema: 'public', table: 'victim', partition: { key } }));
    expect(e.status).toBe('failed');
    expect(e.error).toMatch(/column .* does not exist/);
    expect(await db.query(`SELECT count(*)::int AS n FROM public.victim`)).toEqual([{ n: 0 }]);
  });
});
