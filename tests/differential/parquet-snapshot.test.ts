/**
 * Differential test, scenario 1: a Hive-partitioned Parquet dataset (several files per `part=N/` folder) under
 * the snapshot contract, default incremental config. After every random change (appends, new/removed
 * partitions, rewrites with updates and deletes, same-size overwrites, mtime touches, added/dropped/widened
 * columns, nulls, extremes, unicode) the run must decide skip / partial on exactly the touched partitions / full
 * as the change calls for, and its stored profile must equal a `--full` profile into an empty store.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { runSequence, seedsFor } from '../helpers/differential.js';
import { tempDir } from '../helpers/workspace.js';
import { DEFAULT_MAX_PARTITIONS, parquetScenario } from './parquet-scenario.js';

const ws = tempDir('baselinr-diff-pq-');
let writer: DuckDBClient;
beforeAll(async () => {
  writer = await DuckDBClient.open(':memory:');
});
afterAll(async () => {
  await writer.close();
  ws.cleanup();
});

describe('differential: Parquet dataset, snapshot contract', () => {
  for (const seed of seedsFor(100_000, 80)) {
    it(`seed ${seed}`, async () => {
      const s = await parquetScenario(ws.dir, writer, seed, DEFAULT_MAX_PARTITIONS);
      await runSequence(`seed ${seed}`, s);
      rmSync(join(ws.dir, `s${seed}`), { recursive: true, force: true });
    });
  }
});
