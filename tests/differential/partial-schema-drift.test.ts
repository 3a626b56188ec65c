/**
 * Regressions found by the Parquet differential: a partial run scans a SUBSET of files, whose own
 * `union_by_name` schema can differ from the table's (fixed in da1b259 and 9e706b0).
 * (1) Files predating an added column made the partial scan fail: `Referenced column "note" not found`.
 * (2) Files still holding the narrow type of a widened column (INTEGER → BIGINT) were hashed as INTEGER; DuckDB's
 *     `hash()` differs between INTEGER and BIGINT for negative values, so distinct_count disagreed with a full run.
 * (3) Names that are `Object.prototype` keys: the per-column replacements lived in a plain object, so
 *     `columnExprs['__proto__'] = …` set the prototype (a missing `__proto__` column was referenced as is), and
 *     `columnExprs?.['constructor']` returned `Object` itself, printed into the SQL as `function Object() {…}`.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { createConnector } from '../../connectors/duckdb/index.js';
import { diffProfiles, fullReference, incrementalRun, type IncrementalOutcome, type YamlFor } from '../helpers/differential.js';
import { tempDir } from '../helpers/workspace.js';

const ws = tempDir('baselinr-schema-drift-');
afterAll(() => ws.cleanup());
beforeEach(() => {
  rmSync(ws.dir, { recursive: true, force: true });
  mkdirSync(join(ws.dir, 'state'), { recursive: true });
});
const lakeYaml: YamlFor = (store) => `source: {type: duckdb, path: ":memory:"}
storage: {type: sqlite, path: ${store}}
profiling: {tables: [{name: lake, parquet: ./lake}]}
incremental: {adaptive_scheduling: {enabled: false}}
`;

type Batch = Array<[file: string, select: string]>;

/** Writes each batch's files (fresh mtimes) under `lake/`, runs incrementally after each, then `--full`. */
async function scenario(batches: Batch[]) {
  const dir = ws.dir;
  const w = await DuckDBClient.open(':memory:');
  const connector = await createConnector({ type: 'duckdb', path: ':memory:' });
  const reference = await createConnector({ type: 'duckdb', path: ':memory:' });
  let mtime = 1_000;
  try {
    const runs: IncrementalOutcome[] = [];
    for (const batch of batches) {
      for (const [file, select] of batch) {
        const path = join(dir, 'lake', file);
        mkdirSync(join(path, '..'), { recursive: true });
        await w.exec(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
        utimesSync(path, ++mtime, mtime);
      }
      runs.push(await incrementalRun(dir, lakeYaml, 'lake', connector));
    }
    return { runs, full: await fullReference(dir, lakeYaml, 'lake', reference) };
  } finally {
    await Promise.all([w.close(), connector.close(), reference.close()]);
  }
}

describe('partial scans of files whose schema drifted from the table', () => {
  it('a column added in new files only: the old partition reads NULL for it', async () => {
    const { runs, full } = await scenario([
      [['part=0/a.parquet', 'SELECT i AS id FROM range(10) t(i)'], ['part=1/b.parquet', 'SELECT i AS id FROM range(10, 20) t(i)']],
      [['part=1/c.parquet', "SELECT i AS id, 'n' || i AS note FROM range(20, 25) t(i)"]],
      [['part=0/d.parquet', 'SELECT i AS id FROM range(30, 33) t(i)']],
    ]);
    expect(runs.map((r) => r.entry.reason)).toEqual(['first_run', 'schema_changed', 'changed_partitions']);
    const last = runs[2];
    expect([last.entry.error, last.entry.changed_partitions]).toEqual([undefined, ['part=0']]);
    expect(diffProfiles(last.profile!, full.profile)).toEqual([]);
    expect(full.profile.columns.note).toMatchObject({ count: 5, null_count: 23 });
  });

  it('a widened column (INTEGER → BIGINT): the narrow files hash like the wide type', async () => {
    const { runs, full } = await scenario([
      [['part=0/a.parquet', 'SELECT (-(i % 150))::INTEGER AS qty FROM range(600) t(i)'],
        ['part=1/b.parquet', 'SELECT (-(i % 150) - 150)::INTEGER AS qty FROM range(600) t(i)']],
      [['part=1/c.parquet', 'SELECT (-i)::BIGINT AS qty FROM range(300, 310) t(i)']],
      [['part=0/d.parquet', 'SELECT (-i)::INTEGER AS qty FROM range(140, 160) t(i)']],
    ]);
    expect(runs.map((r) => r.entry.reason)).toEqual(['first_run', 'schema_changed', 'changed_partitions']);
    expect([runs[2].entry.error, runs[2].entry.changed_partitions]).toEqual([undefined, ['part=0']]);
    expect(full.profile.columns.qty.type).toBe('BIGINT');
    // Distinct values in the hundreds, well below count: the estimate is not clamped to count, so registers show.
    expect(diffProfiles(runs[2].profile!, full.profile)).toEqual([]);
  });

  it('a column named __proto__ added in new files only', async () => {
    const { runs, full } = await scenario([
      [['part=0/a.parquet', 'SELECT i AS id FROM range(10) t(i)'], ['part=1/b.parquet', 'SELECT i AS id FROM range(10, 20) t(i)']],
      [['part=1/c.parquet', 'SELECT i AS id, i % 2 = 0 AS "__proto__" FROM range(20, 25) t(i)']],
      [['part=0/d.parquet', 'SELECT i AS id FROM range(30, 33) t(i)']],
    ]);
    expect(runs[2].entry.error).toBeUndefined();
    expect([runs[2].entry.decision, runs[2].entry.changed_partitions]).toEqual(['partial', ['part=0']]);
    expect(diffProfiles(runs[2].profile!, full.profile)).toEqual([]);
  });

  it('a column named constructor, next to a column added in new files only', async () => {
    const { runs, full } = await scenario([
      [['part=0/a.parquet', 'SELECT i AS id, i * 2 AS "constructor" FROM range(10) t(i)'],
        ['part=1/b.parquet', 'SELECT i AS id, i * 2 AS "constructor" FROM range(10, 20) t(i)']],
      [['part=1/c.parquet', "SELECT i AS id, i * 2 AS \"constructor\", 'n' AS note FROM range(20, 25) t(i)"]],
      [['part=0/d.parquet', 'SELECT i AS id, i * 2 AS "constructor" FROM range(30, 33) t(i)']],
    ]);
    expect(runs[2].entry.error).toBeUndefined();
    expect([runs[2].entry.decision, runs[2].entry.changed_partitions]).toEqual(['partial', ['part=0']]);
    expect(diffProfiles(runs[2].profile!, full.profile)).toEqual([]);
  });
});
