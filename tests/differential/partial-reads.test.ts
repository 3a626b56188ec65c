/**
 * A partial run on a Hive Parquet dataset reads only the changed partition: its data query names only that
 * partition's files, and DuckDB's own EXPLAIN ANALYZE of exactly that SQL (run on a separate engine) reports
 * reading only those files and rows. 100 partitions × 500 rows: a 1-partition partial scans exactly 500 rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from '../../connectors/duckdb/client.js';
import { createConnector } from '../../connectors/duckdb/index.js';
import type { SourceConnector } from '../../src/connectors/types.js';
import { diffProfiles, fullReference, incrementalRun, type YamlFor } from '../helpers/differential.js';
import { tempDir } from '../helpers/workspace.js';

const ws = tempDir('baselinr-partial-reads-');
const lake = join(ws.dir, 'lake');
const yaml: YamlFor = (store) => `source: {type: duckdb, path: ":memory:"}
storage: {type: sqlite, path: ${store}}
profiling: {tables: [{name: lake, parquet: ./lake}]}
incremental: {adaptive_scheduling: {enabled: false}}
`;
let writer: DuckDBClient;
let connector: SourceConnector;
let mtime = 1_700_000_000;

const rows = (from: number, n: number) =>
  `SELECT i AS id, (i * 7919) % 1000 AS qty, 'v' || (i % 97) AS label, i / 3.0 AS score FROM range(${from}, ${from + n}) t(i)`;
async function writeFile(partition: string, name: string, select: string): Promise<string> {
  const path = join(lake, partition, name);
  mkdirSync(join(lake, partition), { recursive: true });
  await writer.exec(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
  utimesSync(path, ++mtime, mtime);
  return path;
}
const filesOf = (partition: string) => readdirSync(join(lake, partition)).map((f) => join(lake, partition, f)).sort();
const pathsIn = (sql: string) => [...sql.matchAll(/'([^']+\.parquet)'/g)].map((m) => m[1]).sort();

interface ScanNode { files: string[]; rows: number }
/** Every Parquet scan operator of the profiled plan: files it read and rows it produced. */
async function explainAnalyze(sql: string): Promise<ScanNode[]> {
  const probe = await DuckDBClient.open(':memory:');
  try {
    const [row] = await probe.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, { kind: 'data' });
    const out: ScanNode[] = [];
    const walk = (n: { operator_type?: string; extra_info?: Record<string, unknown>; operator_cardinality?: number; children?: unknown[] }) => {
      if (n.operator_type === 'TABLE_SCAN' && String(n.extra_info?.Function) === 'READ_PARQUET') {
        // DuckDB lists the files it opened as one comma-separated string, next to their count.
        const files = [n.extra_info?.['Filename(s)']].flat().flatMap((f) => String(f).split(', ')).sort();
        if (Number(n.extra_info?.['Total Files Read']) !== files.length) throw new Error(`files read: ${JSON.stringify(n.extra_info)}`);
        out.push({ files, rows: Number(n.operator_cardinality) });
      }
      for (const c of n.children ?? []) walk(c as typeof n);
    };
    walk(JSON.parse(String(row.explain_value)));
    return out;
  } finally {
    await probe.close();
  }
}

beforeAll(async () => {
  writer = await DuckDBClient.open(':memory:');
  for (let p = 0; p < 100; p++) await writeFile(`part=${p}`, 'a.parquet', rows(p * 500, 500));
  connector = await createConnector({ type: 'duckdb', path: ':memory:' });
  mkdirSync(join(ws.dir, 'state'));
  const first = await incrementalRun(ws.dir, yaml, 'lake', connector);
  expect([first.entry.reason, first.entry.rows_scanned]).toEqual(['first_run', 50_000]);
}, 120_000);
afterAll(async () => {
  await Promise.all([writer.close(), connector.close()]);
  ws.cleanup();
});

describe('partial runs read only the changed partitions (100 partitions × 500 rows)', () => {
  it('one rewritten partition: its file alone is named and read, 500 rows', async () => {
    rmSync(join(lake, 'part=42', 'a.parquet'));
    const file = await writeFile('part=42', 'b.parquet', rows(900_000, 500));
    const inc = await incrementalRun(ws.dir, yaml, 'lake', connector);
    expect([inc.entry.decision, inc.entry.reason, inc.entry.changed_partitions]).toEqual(['partial', 'changed_partitions', ['part=42']]);
    expect([inc.entry.rows_scanned, inc.entry.partitions_profiled, inc.dataQueries.length]).toEqual([500, 1, 1]);
    expect(pathsIn(inc.dataQueries[0])).toEqual([file]);
    const scans = await explainAnalyze(inc.dataQueries[0]);
    // The scan CTE is inlined into both the aggregate and the HLL branch, so DuckDB reads the files in each.
    expect(scans.length).toBeGreaterThan(0);
    for (const s of scans) expect(s).toEqual({ files: [file], rows: 500 });
    const full = await fullReference(ws.dir, yaml, 'lake', connector);
    expect(diffProfiles(inc.profile!, full.profile)).toEqual([]);
    expect(full.profile.row_count).toBe(50_000);
  });

  it('a file appended to a partition: that partition\'s files (old and new) are read, nothing else', async () => {
    await writeFile('part=7', 'c.parquet', rows(950_000, 120));
    const inc = await incrementalRun(ws.dir, yaml, 'lake', connector);
    expect([inc.entry.decision, inc.entry.changed_partitions, inc.entry.rows_scanned]).toEqual(['partial', ['part=7'], 620]);
    expect(pathsIn(inc.dataQueries[0])).toEqual(filesOf('part=7'));
    for (const s of await explainAnalyze(inc.dataQueries[0])) expect(s).toEqual({ files: filesOf('part=7'), rows: 620 });
  });

  it('a removed partition is dropped without reading any data', async () => {
    rmSync(join(lake, 'part=99'), { recursive: true });
    const inc = await incrementalRun(ws.dir, yaml, 'lake', connector);
    expect([inc.entry.decision, inc.entry.changed_partitions, inc.entry.removed_partitions]).toEqual(['partial', [], ['part=99']]);
    expect([inc.dataQueries.length, inc.entry.rows_scanned, inc.profile!.row_count, inc.profile!.partitions]).toEqual([0, 0, 49_620, 99]);
  });
});
