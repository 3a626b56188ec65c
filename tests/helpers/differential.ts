/**
 * Differential harness (DESIGN §7): after each change, the incremental run's stored profile must equal a `--full`
 * profile of the same source into an EMPTY store. Both go through the public API, as a user's run would.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runProfile, type ProfileEntry } from '../../src/api/profile.js';
import { showProfile } from '../../src/api/show.js';
import { createEventBus } from '../../src/events/index.js';
import { silentLogger } from '../../src/log.js';
import type { SourceConnector } from '../../src/connectors/types.js';
import type { ColumnProfile, TableProfile } from '../../src/profiler/state-types.js';
import { contextFor } from './workspace.js';
import { relClose } from './data.js';

/** Sequences the CI run covers across every differential scenario; `BASELINR_DIFF_SEQUENCES` scales from it. */
export const CI_SEQUENCES = 200;

/** Seeds of one scenario: CI's fixed ones, more under `BASELINR_DIFF_SEQUENCES`, one under `BASELINR_DIFF_SEED`. */
export function seedsFor(firstSeed: number, ciCount: number): number[] {
  const only = process.env.BASELINR_DIFF_SEED;
  if (only) {
    const s = Number(only);
    return s >= firstSeed && s < firstSeed + 100_000 ? [s] : [];
  }
  const total = Number(process.env.BASELINR_DIFF_SEQUENCES ?? 0);
  const n = total > CI_SEQUENCES ? Math.round((ciCount * total) / CI_SEQUENCES) : ciCount;
  return Array.from({ length: n }, (_, i) => firstSeed + i);
}

/** Config text for one store path; the source and tables stay identical between incremental and reference. */
export type YamlFor = (storePath: string) => string;

export interface IncrementalOutcome {
  entry: ProfileEntry;
  dataQueries: string[];
  profile?: TableProfile;
}

const bus = () => createEventBus({ hooks: [], logger: silentLogger() });

/** One incremental run into the long-lived store, on a connector whose query log the caller can read. */
export async function incrementalRun(dir: string, yaml: YamlFor, table: string, connector: SourceConnector): Promise<IncrementalOutcome> {
  const before = connector.client.queryLog.length;
  const ctx = contextFor(dir, yaml('./state/incremental.db'), { connector });
  try {
    const res = await runProfile(ctx, { events: bus() });
    const entry = res.tables.find((t) => t.table === table);
    if (!entry) throw new Error(`no entry for ${table} in ${JSON.stringify(res.tables.map((t) => t.table))}`);
    const dataQueries = connector.client.queryLog.slice(before).filter((q) => q.kind === 'data').map((q) => q.sql);
    const profile = entry.status === 'failed' ? undefined : await showProfile(ctx, table);
    return { entry, dataQueries, profile };
  } finally {
    await ctx.close();
  }
}

let refCounter = 0;

/** `--full` into a store that has never seen the table, through a connector the context opens itself. */
export async function fullReference(dir: string, yaml: YamlFor, table: string): Promise<{ entry: ProfileEntry; profile: TableProfile }> {
  const file = `./state/reference-${process.pid}-${refCounter++}.db`;
  const ctx = contextFor(dir, yaml(file));
  try {
    const res = await runProfile(ctx, { full: true, events: bus() });
    const entry = res.tables.find((t) => t.table === table)!;
    if (entry.status !== 'ok') throw new Error(`reference --full run failed: ${entry.error}`);
    return { entry, profile: await showProfile(ctx, table) };
  } finally {
    await ctx.close();
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(join(dir, file + suffix), { force: true });
  }
}

const FLOAT_TYPES = /^(DOUBLE|FLOAT|REAL|FLOAT4|FLOAT8)$/i;
const EXACT = ['count', 'null_count', 'null_ratio', 'distinct_count', 'unique_ratio', 'min', 'max', 'min_length', 'max_length'] as const;

/** Every way `actual` (incremental) differs from `expected` (full); empty when they agree. */
export function diffProfiles(actual: TableProfile, expected: TableProfile): string[] {
  const out: string[] = [];
  for (const k of ['table', 'row_count', 'partitions', 'sampled'] as const) {
    if (actual[k] !== expected[k]) out.push(`${k}: ${actual[k]} != full ${expected[k]}`);
  }
  const a = Object.keys(actual.columns).sort();
  const e = Object.keys(expected.columns).sort();
  if (a.join('\0') !== e.join('\0')) out.push(`columns: [${a}] != full [${e}]`);
  for (const name of e.filter((n) => a.includes(n))) out.push(...diffColumn(name, actual.columns[name], expected.columns[name]));
  return out;
}

function diffColumn(name: string, a: ColumnProfile, e: ColumnProfile): string[] {
  const out: string[] = [];
  const show = (v: unknown) => JSON.stringify(v);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(e)])].sort();
  if (Object.keys(a).sort().join() !== Object.keys(e).sort().join()) out.push(`${name}: metric keys [${Object.keys(a)}] != full [${Object.keys(e)}]`);
  if (a.type !== e.type) out.push(`${name}.type: ${a.type} != full ${e.type}`);
  const isFloat = FLOAT_TYPES.test(e.type);
  for (const key of keys) {
    const x = (a as Record<string, unknown>)[key];
    const y = (e as Record<string, unknown>)[key];
    let ok: boolean;
    if ((EXACT as readonly string[]).includes(key) || (key === 'sum' && !isFloat)) ok = Object.is(x, y) || x === y;
    else if (key === 'avg_length') ok = x === y || (typeof x === 'number' && typeof y === 'number' && Math.abs(x - y) <= 1e-12);
    else if (key === 'mean' || key === 'stddev' || key === 'sum') ok = x === y || relClose(x as number, y as number | null, 1e-9);
    else continue;
    if (!ok) out.push(`${name}.${key}: ${show(x)} != full ${show(y)}`);
  }
  return out;
}

export interface ExpectedDecision {
  decision: string;
  reason: string;
  changed?: string[];
  removed?: string[];
  rowsScanned?: number;
  /** Data queries the run may issue: 0 for a skip (and a partial with nothing to read), else the one scan. */
  scans?: number;
}

/** How the incremental run's decision and its data queries differ from what the changes call for. */
export function diffDecision(o: IncrementalOutcome, want: ExpectedDecision): string[] {
  const e = o.entry;
  const out: string[] = [];
  if (e.status === 'failed') out.push(`incremental run failed: ${e.error}`);
  if (e.decision !== want.decision || e.reason !== want.reason) {
    out.push(`decision ${e.decision}/${e.reason}, expected ${want.decision}/${want.reason}`);
  }
  const same = (x: string[], y: string[]) => x.join('\n') === y.join('\n');
  if (want.changed && !same(e.changed_partitions, want.changed)) out.push(`changed_partitions [${e.changed_partitions}], expected [${want.changed}]`);
  if (want.removed && !same(e.removed_partitions, want.removed)) out.push(`removed_partitions [${e.removed_partitions}], expected [${want.removed}]`);
  if (want.rowsScanned !== undefined && e.rows_scanned !== want.rowsScanned) out.push(`rows_scanned ${e.rows_scanned}, expected ${want.rowsScanned}`);
  const scans = want.scans ?? (want.decision === 'skip' ? 0 : 1);
  if (o.dataQueries.length !== scans) out.push(`${o.dataQueries.length} data queries, expected ${scans}`);
  return out;
}
