/**
 * Differential test, scenario 1 with `max_partitions_per_run: 2`: small lakes then cross the cap, so the
 * `full/too_many_partitions` branch and partials at the cap are exercised by the same random changes. A fixed
 * case pins the boundary: exactly `cap` changed partitions is still a partial, one more goes full.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { createConnector } from '../../connectors/duckdb/index.js';
import { diffDecision, diffProfiles, fullReference, incrementalRun, runSequence, seedsFor } from '../helpers/differential.js';
import { tempDir } from '../helpers/workspace.js';
import { parquetScenario, parquetYaml } from './parquet-scenario.js';
import { Lake } from './parquet-lake.js';

const CAP = 2;
const ws = tempDir('baselinr-diff-pqcap-');
let writer: DuckDBClient;
beforeAll(async () => {
  writer = await DuckDBClient.open(':memory:');
});
afterAll(async () => {
  await writer.close();
  ws.cleanup();
});

describe(`differential: Parquet dataset, max_partitions_per_run ${CAP}`, () => {
  it('the cap boundary: 2 changed partitions → partial, 3 → full/too_many_partitions', async () => {
    const dir = join(ws.dir, 'boundary');
    mkdirSync(join(dir, 'state'), { recursive: true });
    const s = { dir, yaml: parquetYaml(CAP) };
    const lake = new Lake(join(dir, 'lake'), writer, () => 0.5);
    const [incremental, reference] = [await createConnector({ type: 'duckdb', path: ':memory:' }), await createConnector({ type: 'duckdb', path: ':memory:' })];
    try {
      for (let p = 0; p < 5; p++) await lake.addFile(`part=${p}`, lake.newRows(10, 'normal'));
      await incrementalRun(s.dir, s.yaml, 'lake', incremental);
      lake.profiledNow();
      for (const touched of [['part=1', 'part=3'], ['part=0', 'part=2', 'part=4']]) {
        for (const p of touched) await lake.addFile(p, lake.newRows(3, 'extreme'));
        const want = lake.expected(CAP);
        expect(want.decision).toBe(touched.length > CAP ? 'full' : 'partial');
        const inc = await incrementalRun(s.dir, s.yaml, 'lake', incremental);
        expect(diffDecision(inc, want)).toEqual([]);
        expect(diffProfiles(inc.profile!, (await fullReference(s.dir, s.yaml, 'lake', reference)).profile)).toEqual([]);
        lake.profiledNow();
      }
    } finally {
      await Promise.all([incremental.close(), reference.close()]);
    }
  });

  for (const seed of seedsFor(200_000, 40)) {
    it(`seed ${seed}`, async () => {
      const s = await parquetScenario(ws.dir, writer, seed, CAP);
      await runSequence(`seed ${seed} (cap ${CAP})`, s);
      rmSync(s.dir, { recursive: true, force: true });
    });
  }
});
