/**
 * Differential harness (DESIGN §7): after each change, the incremental run's stored profile must equal a `--full`
 * profile of the same source into an EMPTY store. Both go through the public API, as a user's run would.
 */
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

/**
 * Seeds of one scenario: CI's fixed ones; under `BASELINR_DIFF_SEQUENCES=N` (a total across scenarios) each gets
 * its share of N, CI's seeds first. Scenarios own disjoint ranges of 100,000 seeds, so a seed names its scenario
 * and `vitest run tests/differential -t 'seed 100042$'` replays one failing sequence.
 */
export function seedsFor(firstSeed: number, ciCount: number): number[] {
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

/**
 * `--full` into a store that has never seen the table (an in-memory SQLite store, new for every call). The
 * connector is the caller's: a separate engine instance from the incremental run's.
 */
export async function fullReference(dir: string, yaml: YamlFor, table: string, connector: SourceConnector): Promise<{ entry: ProfileEntry; profile: TableProfile }> {
  const ctx = contextFor(dir, yaml('":memory:"'), { connector });
  try {
    const res = await runProfile(ctx, { full: true, events: bus() });
    const entry = res.tables.find((t) => t.table === table)!;
    if (entry.status !== 'ok') throw new Error(`reference --full run failed: ${entry.error}`);
    return { entry, profile: await showProfile(ctx, table) };
  } finally {
    await ctx.close();
  }
}

/** A scenario's source and its model: what to change, and what the planner must decide about the change. */
export interface DiffScenario {
  dir: string;
  table: string;
  yaml: YamlFor;
  /** Connectors for one step or the sequence (incremental, reference; may be one engine); closed by the caller. */
  connectors(): Promise<{ incremental: SourceConnector; reference: SourceConnector }>;
  /** DuckDB files are locked while open: such sources need fresh connectors around every write. */
  perStep: boolean;
  steps: number;
  change(): Promise<string>;
  /** The decision the changes call for; a list when the source cannot tell (any one of them is right). */
  expected(): ExpectedDecision | ExpectedDecision[];
  /** The incremental store now reflects the source (the model resets what "changed" means). */
  profiled(): void;
  /** Checks of the reference profile against the model (row counts, an independent oracle), on its engine. */
  sanity(full: TableProfile, reference: SourceConnector): string[] | Promise<string[]>;
}

/** Initial profile, then `steps` random changes, each followed by the incremental-vs-full comparison. */
export async function runSequence(label: string, s: DiffScenario): Promise<void> {
  const history = ['initial data'];
  const initial = [s.expected()].flat()[0];
  let want: ExpectedDecision[] = [{ ...initial, decision: 'full', reason: 'first_run', changed: undefined, removed: undefined, scans: undefined }];
  let open = s.perStep ? undefined : await s.connectors();
  const close = async () => {
    if (open) await Promise.all([...new Set([open.incremental, open.reference])].map((c) => c.close()));
    open = undefined;
  };
  try {
    for (let step = 0; ; step++) {
      open ??= await s.connectors();
      const inc = await incrementalRun(s.dir, s.yaml, s.table, open.incremental);
      const verdicts = want.map((w) => diffDecision(inc, w));
      const problems = verdicts.some((v) => v.length === 0) ? [] : verdicts.flat();
      if (inc.profile) {
        const ref = await fullReference(s.dir, s.yaml, s.table, open.reference);
        problems.push(...diffProfiles(inc.profile, ref.profile), ...(await s.sanity(ref.profile, open.reference)).map((p) => `model: ${p}`));
      }
      if (process.env.BASELINR_DIFF_TRACE) console.log(`${label} step ${step}: ${history.at(-1)} → ${inc.entry.decision}/${inc.entry.reason} rows ${inc.entry.rows_scanned}`);
      if (problems.length) throw new Error(`${label}, after step ${step}:\n  changes: ${history.join(' | ')}\n  ${problems.join('\n  ')}`);
      s.profiled();
      if (step === s.steps) break;
      if (s.perStep) await close();
      history.push(await s.change());
      want = [s.expected()].flat();
    }
  } finally {
    await close();
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
    const x = (a as unknown as Record<string, unknown>)[key];
    const y = (e as unknown as Record<string, unknown>)[key];
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
  /** `*`: any reason (the product may name the cause in more than one way). */
  reason: string;
  changed?: string[];
  removed?: string[];
  rowsScanned?: number;
  /** Data queries the run may issue: 0 for a skip (and a partial with nothing to read), else the one scan. */
  scans?: number | 'any';
}

/** How the incremental run's decision and its data queries differ from what the changes call for. */
export function diffDecision(o: IncrementalOutcome, want: ExpectedDecision): string[] {
  const e = o.entry;
  const out: string[] = [];
  if (e.status === 'failed') out.push(`incremental run failed: ${e.error}`);
  if (e.decision !== want.decision || (want.reason !== '*' && e.reason !== want.reason)) {
    out.push(`decision ${e.decision}/${e.reason}, expected ${want.decision}/${want.reason}`);
  }
  const same = (x: string[], y: string[]) => x.join('\n') === y.join('\n');
  if (want.changed && !same(e.changed_partitions, want.changed)) out.push(`changed_partitions [${e.changed_partitions}], expected [${want.changed}]`);
  if (want.removed && !same(e.removed_partitions, want.removed)) out.push(`removed_partitions [${e.removed_partitions}], expected [${want.removed}]`);
  if (want.rowsScanned !== undefined && e.rows_scanned !== want.rowsScanned) out.push(`rows_scanned ${e.rows_scanned}, expected ${want.rowsScanned}`);
  const scans = want.scans ?? (want.decision === 'skip' ? 0 : 1);
  if (scans !== 'any' && o.dataQueries.length !== scans) out.push(`${o.dataQueries.length} data queries, expected ${scans}`);
  return out;
}
