/**
 * Differential test, scenario 2: a table in a DuckDB database file — inserts, updates, deletes, ADD/DROP COLUMN,
 * a type change — with a virtual partition key (`partition: {key: region}`) and without one. A change must give
 * a full profile (a database file cannot say which rows moved), no change a skip with zero data queries, and
 * the stored profile must equal a `--full` profile into an empty store after every step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { createConnector } from '../../connectors/duckdb/index.js';
import { incrementalRun, runSequence, seedsFor, type DiffScenario } from '../helpers/differential.js';
import { prng } from '../helpers/data.js';
import { tempDir } from '../helpers/workspace.js';
import { DuckTable, inFile } from './duckdb-table.js';
import { randInt } from './values.js';

const ws = tempDir('baselinr-diff-db-');
let writer: DuckDBClient;
beforeAll(async () => {
  writer = await DuckDBClient.open(':memory:');
});
afterAll(async () => {
  await writer.close();
  ws.cleanup();
});

async function scenario(seed: number, partitioned: boolean): Promise<DiffScenario> {
  const rand = prng(seed);
  const dir = join(ws.dir, `s${seed}`);
  mkdirSync(join(dir, 'state'), { recursive: true });
  const table = new DuckTable(join(dir, 'w.duckdb'), writer, rand);
  await table.create();
  return {
    dir,
    table: 'main.items',
    yaml: (store) => `source: {type: duckdb, path: ./w.duckdb}
storage: {type: sqlite, path: ${store}}
profiling:
  tables:
    - table: items
      schema: main
${partitioned ? '      partition: {key: region}\n' : ''}incremental:
  adaptive_scheduling: {enabled: false}
`,
    // One read-only engine per step serves both runs: opening a database file costs more than the runs do.
    connectors: async () => {
      const engine = await createConnector({ type: 'duckdb', path: table.path });
      return { incremental: engine, reference: engine };
    },
    perStep: true,
    steps: randInt(rand, 3, 6),
    change: () => table.change(),
    expected: () => table.expected(),
    profiled: () => table.profiledNow(),
    sanity: (full) => (full.row_count === table.rows ? [] : [`full row_count ${full.row_count}, the table holds ${table.rows}`]),
  };
}

for (const partitioned of [true, false]) {
  describe(`differential: DuckDB table, ${partitioned ? 'virtual partitions by region' : 'unpartitioned'}`, () => {
    for (const seed of seedsFor(partitioned ? 300_000 : 400_000, 20)) {
      it(`seed ${seed}`, async () => {
        await runSequence(`seed ${seed}`, await scenario(seed, partitioned));
        rmSync(join(ws.dir, `s${seed}`), { recursive: true, force: true });
      });
    }
  });
}

describe('DuckDB table: NULL and the text __NULL__ in a virtual partition key', () => {
  // Regression: both groups once mapped to the partition id `region=__NULL__` and every run failed on the duplicate.
  it('profiles three partitions: NULL, "__NULL__" and "eu"', async () => {
    const s = await scenario(1, true);
    await inFile(writer, join(s.dir, 'w.duckdb'), () =>
      writer.exec(`CREATE OR REPLACE TABLE w.main.items AS SELECT i AS id, CASE i % 3 WHEN 0 THEN NULL WHEN 1 THEN '__NULL__'
        ELSE 'eu' END AS region FROM range(30) t(i)`));
    const { incremental } = await s.connectors();
    try {
      const run = await incrementalRun(s.dir, s.yaml, 'main.items', incremental);
      expect(run.entry.error).toBeUndefined();
      expect(run.profile).toMatchObject({ row_count: 30, partitions: 3 });
      expect(run.profile!.columns.region).toMatchObject({ count: 20, null_count: 10 });
    } finally {
      await incremental.close();
    }
  });
});
