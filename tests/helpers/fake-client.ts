/**
 * A WarehouseClient that answers from recorded responses instead of a network (unit tests of detectors and of
 * emitted SQL use it; the HTTP fakes in fake-snowflake.ts / fake-bigquery.ts cover the real SDKs), and the
 * planner run over detector snapshots with a prior state as a profile would have stored it.
 */
import type { QueryLogEntry, QueryOptions, Row, TableSnapshot, WarehouseClient } from '../../src/connectors/types.js';
import { logged } from '../../src/connectors/query-log.js';
import { normaliseValue as snowflakeValue } from '../../connectors/snowflake/client.js';
import { parseConfig } from '../../src/config/index.js';
import { compactSnapshot } from '../../src/api/gather.js';
import { planTable, type PriorPartition, type TableDecision } from '../../src/planner/index.js';
import type { TableStateRow } from '../../src/state/index.js';

export type Responder = (sql: string, opts: QueryOptions) => Row[];

export class FakeClient implements WarehouseClient {
  readonly queryLog: QueryLogEntry[] = [];
  readonly dryRuns: string[] = [];

  constructor(
    public respond: Responder,
    private readonly dryRunBytes: (sql: string) => number = () => 0,
  ) {}

  query(sql: string, opts: QueryOptions): Promise<Row[]> {
    return logged(this.queryLog, sql, opts, async () => this.respond(sql, opts));
  }

  async dryRun(sql: string, table?: string): Promise<number> {
    this.dryRuns.push(sql);
    await logged(this.queryLog, sql, { kind: 'metadata', table }, async () => []);
    return this.dryRunBytes(sql);
  }

  async close(): Promise<void> {}
}

/** A Snowflake query-request `data` payload (rowtype + rowset), as recorded in the fixtures. */
export interface SnowflakeWire {
  rowtype: Array<{ name: string; type: string; precision?: number | null; scale?: number | null }>;
  rowset: Array<Array<string | null>>;
}

/**
 * The rows SnowflakeClient makes of a wire payload (numbers and dates fetched as strings; VARIANT/ARRAY parsed;
 * upper-case simple names folded). The client tests against the HTTP fake check the SDK agrees.
 */
export function snowflakeRows(wire: SnowflakeWire): Row[] {
  const names = wire.rowtype.map((c) => (/^[A-Z_][A-Z0-9_$]*$/.test(c.name) ? c.name.toLowerCase() : c.name));
  return wire.rowset.map((values) =>
    Object.fromEntries(
      wire.rowtype.map((c, i) => {
        const v = values[i];
        if (v !== null && (c.type === 'array' || c.type === 'variant' || c.type === 'object')) return [names[i], JSON.parse(v)];
        if (v !== null && c.type === 'boolean') return [names[i], v === '1' || v.toLowerCase() === 'true'];
        return [names[i], snowflakeValue(v, c.type, c.scale)];
      }),
    ),
  );
}

/** A recorded BigQuery result: the REST schema plus rows as plain objects keyed by the vendor's column names. */
export interface BigQueryFixture {
  schema: { fields: BigQueryField[] };
  rows: Array<Record<string, unknown>>;
}

export interface BigQueryField {
  name: string;
  type: string;
  mode?: string;
  fields?: BigQueryField[];
}

/** The rows BigQueryClient makes of such a result (INT64 as safe numbers); the HTTP fake checks the SDK agrees. */
export function bigqueryRows(fixture: BigQueryFixture): Row[] {
  return structuredClone(fixture.rows);
}

// Detector snapshots through the real planner, with a prior state as a profile would have stored it.

const NOW = new Date('2026-11-22T10:00:00Z');

const config = parseConfig(
  'source: {type: duckdb}\nincremental: {adaptive_scheduling: {enabled: false}}\n',
  { file: '/nonexistent/baselinr.yml', baseDir: '/nonexistent', env: {} },
);

/** The table row a successful profile of `s` an hour ago would have left. */
export function priorRow(name: string, s: TableSnapshot): TableStateRow {
  const at = new Date(NOW.getTime() - 3_600_000).toISOString();
  return {
    tableName: name, lastDecision: 'full', lastReason: 'first_run', lastStatus: 'ok', snapshotId: s.snapshotId,
    snapshot: compactSnapshot(s), schemaHash: s.schemaHash, lastProfiledAt: at, lastCheckedAt: at, nextDueAt: null,
    intervalMinutes: null, deferrals: 0, pending: null, profile: null, sampled: false, updatedAt: at,
  };
}

/** The partitions a profile of `s` stored (id + fingerprint). */
export function priorPartitions(s: TableSnapshot): PriorPartition[] {
  return s.partitions.map((p) => ({ id: p.id, fingerprint: p.fingerprint }));
}

/** The planner's decision for `now`, given the state a profile of `before` left (or none). */
export function decide(name: string, before: TableSnapshot | undefined, now: TableSnapshot | Error): TableDecision {
  const snapshot = now instanceof Error ? undefined : now;
  return planTable(
    {
      name,
      contract: { kind: 'snapshot' },
      nativePartitions: (snapshot?.partitions.length ?? 0) > 0,
      metrics: config.profiling.metrics,
      snapshot,
      ...(now instanceof Error ? { snapshotError: now.message } : {}),
      prior: before && priorRow(name, before),
      priorPartitions: before ? priorPartitions(before) : [],
    },
    { now: NOW, incremental: config.incremental, forceFull: false },
  );
}

/** Waits (up to 2 s) for something a fake server records, e.g. a cancel request the SDK sends in the background. */
export async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error('condition not reached within 2 s');
}
