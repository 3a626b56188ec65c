/**
 * The one catalog query per schema: for every requested table of that schema, its columns and every relation
 * whose rows a scan of it reads (itself, or its leaf partitions / inheritance children), with their activity
 * counters, relfilenode and size, plus the server facts that decide whether counters can prove anything.
 * It reads pg_catalog and statistics views only: no table data, no locks on user tables.
 */
import type { Row } from '../../src/connectors/types.js';
import type { PostgresDialect } from './dialect.js';

export interface LeafFacts {
  oid: number;
  schema: string;
  name: string;
  /** 'r' table, 'm' materialized view, 'f' foreign table, 'v' view. */
  relkind: string;
  relfilenode: number;
  bytes: number;
  ins: number;
  upd: number;
  del: number;
  live: number;
  reltuples: number;
  /** pg_stat_all_tables has a row (tables and matviews; not views or foreign tables). */
  hasStats: boolean;
  readable: boolean;
}

export interface CatalogTable {
  requested: string;
  oid: number;
  relkind: string;
  columns: Array<{ name: string; type: string }>;
  leaves: LeafFacts[];
}

export interface ServerFacts {
  inRecovery: boolean;
  trackCounts: boolean;
  /** pg_stat_database.stats_reset plus the postmaster start (a crash restart discards statistics). */
  statsEpoch: string;
}

export function catalogQuery(d: PostgresDialect, schema: string, tables: string[]): string {
  const names = tables.map((t) => d.literal(t)).join(', ');
  // Domains are profiled as their base type; the leaf walk follows pg_inherits through every level, so
  // sub-partitioned tables yield their leaves and legacy inheritance parents their children.
  return `WITH RECURSIVE
req(relname) AS (SELECT unnest(ARRAY[${names}]::text[])),
tbl AS (
  SELECT r.relname AS requested, c.oid, c.relkind
  FROM req r
  JOIN pg_catalog.pg_namespace n ON n.nspname = ${d.literal(schema)}
  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = r.relname
  WHERE c.relkind IN ('r', 'p', 'm', 'v', 'f')
),
tree AS (
  SELECT t.oid AS root, t.oid AS relid, t.relkind FROM tbl t
  UNION ALL
  SELECT tree.root, i.inhrelid, k.relkind
  FROM tree JOIN pg_catalog.pg_inherits i ON i.inhparent = tree.relid JOIN pg_catalog.pg_class k ON k.oid = i.inhrelid
),
facts AS (
  SELECT pg_catalog.pg_is_in_recovery() AS in_recovery, pg_catalog.current_setting('track_counts') AS track_counts,
    (SELECT coalesce(to_char(stats_reset AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'never')
     FROM pg_catalog.pg_stat_database WHERE datname = pg_catalog.current_database()) || '@' ||
    to_char(pg_catalog.pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS stats_epoch
)
SELECT t.requested, t.oid::int8 AS oid, t.relkind::text AS relkind,
  (SELECT json_agg(json_build_array(a.attname,
      CASE WHEN ty.typtype = 'd' THEN format_type(ty.typbasetype, ty.typtypmod) ELSE format_type(a.atttypid, a.atttypmod) END)
    ORDER BY a.attnum)
   FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
   WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
  (SELECT json_agg(json_build_object(
      'oid', k.oid::int8, 'schema', kn.nspname, 'name', k.relname, 'relkind', k.relkind::text,
      'relfilenode', k.relfilenode::int8, 'bytes', coalesce(pg_catalog.pg_table_size(k.oid), 0),
      'ins', coalesce(s.n_tup_ins, 0), 'upd', coalesce(s.n_tup_upd, 0), 'del', coalesce(s.n_tup_del, 0),
      'live', coalesce(s.n_live_tup, 0), 'reltuples', k.reltuples::float8, 'has_stats', s.relid IS NOT NULL,
      'readable', pg_catalog.has_table_privilege(k.oid, 'SELECT')) ORDER BY k.oid)
   FROM tree lf JOIN pg_catalog.pg_class k ON k.oid = lf.relid JOIN pg_catalog.pg_namespace kn ON kn.oid = k.relnamespace
   LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = k.oid
   WHERE lf.root = t.oid AND lf.relkind <> 'p') AS leaves,
  f.in_recovery, f.track_counts, f.stats_epoch
-- A LEFT JOIN from the one-row facts: the server facts come back even when no requested table exists.
FROM facts f LEFT JOIN tbl t ON true`;
}

export function parseCatalog(rows: Row[]): { server: ServerFacts; tables: Map<string, CatalogTable> } {
  const tables = new Map<string, CatalogTable>();
  let server: ServerFacts | undefined;
  for (const r of rows) {
    server = { inRecovery: r.in_recovery === true, trackCounts: r.track_counts === 'on', statsEpoch: String(r.stats_epoch) };
    if (r.requested === null || r.requested === undefined) continue;
    const columns = ((r.columns as Array<[string, string]> | null) ?? []).map(([name, type]) => ({ name, type }));
    const leaves = ((r.leaves as Array<Record<string, unknown>> | null) ?? []).map(leafFacts);
    tables.set(String(r.requested), { requested: String(r.requested), oid: Number(r.oid), relkind: String(r.relkind), columns, leaves });
  }
  if (!server) throw new Error('the PostgreSQL catalog query returned no rows');
  return { server, tables };
}

function leafFacts(x: Record<string, unknown>): LeafFacts {
  return {
    oid: Number(x.oid), schema: String(x.schema), name: String(x.name), relkind: String(x.relkind),
    relfilenode: Number(x.relfilenode), bytes: Number(x.bytes), ins: Number(x.ins), upd: Number(x.upd),
    del: Number(x.del), live: Number(x.live), reltuples: Number(x.reltuples), hasStats: x.has_stats === true,
    readable: x.readable === true,
  };
}
