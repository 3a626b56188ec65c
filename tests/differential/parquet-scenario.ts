/** Builds one Parquet differential sequence: a seeded lake under its own folder, and its connectors. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBClient } from '../../connectors/duckdb/client.js';
import { createConnector } from '../../connectors/duckdb/index.js';
import type { DiffScenario, YamlFor } from '../helpers/differential.js';
import { prng } from '../helpers/data.js';
import { Lake, SCHEMES } from './parquet-lake.js';
import { randomChange, seedLake } from './parquet-ops.js';
import { pick, randInt } from './values.js';

export const DEFAULT_MAX_PARTITIONS = 64;

/** The dataset at `./lake`, the incremental config at its defaults apart from the schedule (and the cap). */
export function parquetYaml(maxPartitions: number): YamlFor {
  const cap = maxPartitions === DEFAULT_MAX_PARTITIONS ? '' : `  partial_profiling: {max_partitions_per_run: ${maxPartitions}}\n`;
  return (store) => `source: {type: duckdb, path: ":memory:"}
storage: {type: sqlite, path: ${store}}
profiling:
  tables:
    - name: lake
      parquet: ./lake
incremental:
  adaptive_scheduling: {enabled: false}
${cap}`;
}

export async function parquetScenario(root: string, writer: DuckDBClient, seed: number, maxPartitions: number): Promise<DiffScenario> {
  const rand = prng(seed);
  const dir = join(root, `s${seed}`);
  mkdirSync(join(dir, 'state'), { recursive: true });
  const lake = new Lake(join(dir, 'lake'), writer, rand, pick(rand, SCHEMES));
  await seedLake(lake);
  const open = () => createConnector({ type: 'duckdb', path: ':memory:' });
  return {
    dir,
    table: 'lake',
    yaml: parquetYaml(maxPartitions),
    // Engines live for the whole sequence, as in `baselinr serve`: a stale file cache would show as a diff.
    connectors: async () => ({ incremental: await open(), reference: await open() }),
    perStep: false,
    steps: randInt(rand, 3, 6),
    change: () => randomChange(lake),
    expected: () => lake.expected(maxPartitions),
    profiled: () => lake.profiledNow(),
    sanity: (full) => [
      ...(full.row_count !== lake.rowCount() ? [`full row_count ${full.row_count}, the lake holds ${lake.rowCount()}`] : []),
      ...(full.partitions !== lake.partitions().length ? [`full partitions ${full.partitions}, the lake has ${lake.partitions().length}`] : []),
    ],
  };
}
