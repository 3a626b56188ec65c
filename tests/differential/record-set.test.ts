/**
 * Differential test, scenario 3b: a `record_set` (CDC history, `primary_key` + `ordering: updated_at`) as a
 * Parquet dataset. The profile must describe current records only — equal to a full profile of the deduplicated
 * table, written separately as plain Parquet — and incremental runs must equal `--full` runs. With versions of a
 * key spread over `batch=N/` folders no partial is exact (every change → full); with the partition key in the
 * primary key (`region=N/`) changed partitions can be re-profiled alone.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { createConnector } from '../../connectors/duckdb/index.js';
import { diffProfiles, fullReference, runSequence, seedsFor, type DiffScenario, type YamlFor } from '../helpers/differential.js';
import { prng } from '../helpers/data.js';
import { tempDir } from '../helpers/workspace.js';
import { RecordSet, type Layout } from './record-set.js';
import { randInt } from './values.js';

const ws = tempDir('baselinr-diff-rs-');
let writer: DuckDBClient;
beforeAll(async () => {
  writer = await DuckDBClient.open(':memory:');
});
afterAll(async () => {
  await writer.close();
  ws.cleanup();
});

const base = (store: string) => `source: {type: duckdb, path: ":memory:"}
storage: {type: sqlite, path: ${store}}
incremental:
  adaptive_scheduling: {enabled: false}
`;
const oracleYaml: YamlFor = (store) => `${base(store)}profiling:\n  tables:\n    - name: current\n      parquet: ./current\n`;

async function scenario(seed: number, layout: Layout): Promise<DiffScenario> {
  const rand = prng(seed);
  const dir = join(ws.dir, `s${seed}`);
  mkdirSync(join(dir, 'state'), { recursive: true });
  const rs = new RecordSet(dir, writer, layout, rand);
  await rs.seed();
  const pk = layout === 'region' ? '[region, id]' : '[id]';
  const open = () => createConnector({ type: 'duckdb', path: ':memory:' });
  return {
    dir,
    table: 'accounts',
    yaml: (store) => `${base(store)}profiling:
  tables:
    - name: accounts
      parquet: ./accounts
${layout === 'region' ? '      partition: {key: region}\n' : ''}      contract: {kind: record_set, primary_key: ${pk}, ordering: updated_at}
`,
    connectors: async () => ({ incremental: await open(), reference: await open() }),
    perStep: false,
    steps: randInt(rand, 3, 6),
    change: () => rs.change(),
    expected: () => rs.expected(),
    profiled: () => rs.lake.profiledNow(),
    sanity: async (full, reference) => {
      await rs.writeOracle();
      const oracle = await fullReference(dir, oracleYaml, 'current', reference);
      const current = rs.current().size;
      return [
        ...(full.row_count === current ? [] : [`row_count ${full.row_count}, current records ${current}`]),
        ...diffProfiles({ ...full, table: 'current', partitions: oracle.profile.partitions }, oracle.profile).map((p) => `vs deduplicated table: ${p}`),
      ];
    },
  };
}

for (const layout of ['batch', 'region'] as const) {
  describe(`differential: record_set, ${layout === 'batch' ? 'versions spread over batch partitions' : 'partition key in the primary key'}`, () => {
    for (const seed of seedsFor(layout === 'batch' ? 600_000 : 700_000, 10)) {
      it(`seed ${seed}`, async () => {
        await runSequence(`seed ${seed} (${layout})`, await scenario(seed, layout));
        rmSync(join(ws.dir, `s${seed}`), { recursive: true, force: true });
      });
    }
  });
}
