/**
 * Differential test, scenario 3a: an `event_stream` table with watermark buckets (`partition: {key: _loaded_at,
 * granularity: day, lookback: 2}`). Appends at or after the watermark and late rows inside the lookback must be
 * profiled by re-scanning only the window from day(watermark) − 2 (`partial/appended_rows`, rows_scanned = the
 * window's rows); late rows outside the lookback (or without a load time) must still end up in the profile,
 * which therefore always equals a `--full` profile into an empty store.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { createConnector } from '../../connectors/duckdb/index.js';
import { runSequence, seedsFor, type DiffScenario } from '../helpers/differential.js';
import { prng } from '../helpers/data.js';
import { tempDir } from '../helpers/workspace.js';
import { EventStream, LOOKBACK_DAYS } from './event-stream.js';
import { randInt } from './values.js';

const ws = tempDir('baselinr-diff-es-');
let writer: DuckDBClient;
beforeAll(async () => {
  writer = await DuckDBClient.open(':memory:');
});
afterAll(async () => {
  await writer.close();
  ws.cleanup();
});

async function scenario(seed: number): Promise<DiffScenario> {
  const rand = prng(seed);
  const dir = join(ws.dir, `s${seed}`);
  mkdirSync(join(dir, 'state'), { recursive: true });
  const stream = new EventStream(join(dir, 'w.duckdb'), writer, rand);
  await stream.create();
  return {
    dir,
    table: 'main.page_views',
    yaml: (store) => `source: {type: duckdb, path: ./w.duckdb}
storage: {type: sqlite, path: ${store}}
profiling:
  tables:
    - table: page_views
      schema: main
      partition: {key: _loaded_at, granularity: day, lookback: ${LOOKBACK_DAYS}}
      contract: {kind: event_stream}
incremental:
  adaptive_scheduling: {enabled: false}
`,
    connectors: async () => {
      const engine = await createConnector({ type: 'duckdb', path: stream.path });
      return { incremental: engine, reference: engine };
    },
    perStep: true,
    steps: randInt(rand, 3, 6),
    change: () => stream.change(),
    expected: () => stream.expected(),
    profiled: () => stream.profiledNow(),
    sanity: (full) => (full.row_count === stream.rows ? [] : [`full row_count ${full.row_count}, the table holds ${stream.rows}`]),
  };
}

describe('differential: event_stream with watermark buckets', () => {
  for (const seed of seedsFor(500_000, 20)) {
    it(`seed ${seed}`, async () => {
      await runSequence(`seed ${seed}`, await scenario(seed));
      rmSync(join(ws.dir, `s${seed}`), { recursive: true, force: true });
    });
  }
});
