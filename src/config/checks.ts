/**
 * Rules zod's per-key schema cannot express: they span several keys. They run only on a config that already
 * passed the schema, so every field here has its declared type.
 */
import type { PathSegment } from './errors.js';
import type { RawConfig, RawTableEntry } from './schema.js';

export interface RawIssue {
  path: PathSegment[];
  message: string;
  /** Point at the key rather than its value (the key itself is the mistake). */
  atKey?: boolean;
}

type RawSource = RawConfig['source'];

/** Source default schema (dataset for BigQuery) for `table:` entries that do not name one. */
export function defaultSchema(source: RawSource): string | undefined {
  switch (source.type) {
    case 'duckdb':
      return 'main';
    case 'postgres':
      return source.schema ?? 'public';
    case 'snowflake':
      return source.schema ?? 'PUBLIC';
    case 'bigquery':
      return source.dataset;
  }
}

/** `table: sales.orders` without `schema:` is read as schema `sales`, table `orders`. */
export function splitTable(entry: RawTableEntry, source: RawSource): { schema?: string; table: string } {
  const table = entry.table ?? '';
  if (entry.schema) return { schema: entry.schema, table };
  const parts = table.split('.');
  if (parts.length === 2 && parts[0] && parts[1]) return { schema: parts[0], table: parts[1] };
  return { schema: defaultSchema(source), table };
}

export function tableDisplayName(entry: RawTableEntry, source: RawSource): string {
  if (entry.table === undefined) return entry.name ?? '';
  const { schema, table } = splitTable(entry, source);
  return schema ? `${schema}.${table}` : table;
}

export function checkConfig(cfg: RawConfig): RawIssue[] {
  const issues: RawIssue[] = [];
  const push = (path: PathSegment[], message: string, atKey = false) => issues.push({ path, message, atKey });

  for (const [section, conn] of [['source', cfg.source], ['storage', cfg.storage]] as const) {
    if (conn.type !== 'postgres' || conn.url === undefined) continue;
    const mixed = (['host', 'port', 'database', 'user', 'password'] as const).find((k) => conn[k] !== undefined);
    if (mixed) push([section, mixed], `use either "url" or the discrete connection keys, not both`, true);
  }
  const src = cfg.source;
  if (src.type === 'snowflake') {
    if (src.password === undefined && src.private_key_path === undefined) {
      push(['source', 'password'], 'missing required key "password" or "private_key_path"');
    } else if (src.password !== undefined && src.private_key_path !== undefined) {
      push(['source', 'private_key_path'], 'use either "password" or "private_key_path", not both', true);
    }
    if (src.private_key_passphrase !== undefined && src.private_key_path === undefined) {
      push(['source', 'private_key_passphrase'], '"private_key_passphrase" needs "private_key_path"', true);
    }
  }

  const seen = new Map<string, number>();
  cfg.profiling.tables.forEach((entry, i) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ['profiling', 'tables', i, ...rest];
    const isTable = entry.table !== undefined;
    if (isTable && (entry.name !== undefined || entry.parquet !== undefined)) {
      const key = entry.name !== undefined ? 'name' : 'parquet';
      const message = 'use either "table" (a warehouse table) or "name" + "parquet" (a Parquet dataset), not both';
      push(at(key), message, true);
      return;
    }
    if (!isTable) {
      if (entry.name === undefined && entry.parquet === undefined) {
        return push(at('table'), 'missing required key "table" (or "name" + "parquet" for a Parquet dataset)');
      }
      if (entry.parquet === undefined) {
        return push(at('parquet'), 'missing required key "parquet" (the dataset folder)');
      }
      if (entry.name === undefined) return push(at('name'), 'missing required key "name" (the dataset\'s table name)');
      if (entry.schema !== undefined) push(at('schema'), '"schema" only applies to "table" entries', true);
      if (src.type !== 'duckdb') {
        push(at('parquet'), `Parquet datasets need a duckdb source (source.type is "${src.type}")`, true);
      }
    } else if (splitTable(entry, src).schema === undefined) {
      push(at('table'), 'no dataset: set "schema" on the entry or "dataset" on the source');
    }
    const contract = entry.contract;
    if (contract?.kind === 'record_set') {
      if (!contract.primary_key?.length) {
        push(at('contract', 'primary_key'), 'record_set contracts need a non-empty "primary_key"');
      }
      if (contract.ordering === undefined) {
        push(at('contract', 'ordering'), 'record_set contracts need "ordering" (the column ordering versions)');
      }
    }
    const name = tableDisplayName(entry, src);
    const first = seen.get(name);
    if (first !== undefined) push(at(), `duplicate table "${name}" (first defined as profiling.tables[${first}])`);
    else seen.set(name, i);
  });

  const { min_interval_minutes: min, default_interval_minutes: def, max_interval_minutes: max } =
    cfg.incremental.adaptive_scheduling;
  const sp = ['incremental', 'adaptive_scheduling'];
  if (min > max) {
    push([...sp, 'min_interval_minutes'], `min_interval_minutes (${min}) must be <= max_interval_minutes (${max})`);
  } else if (def < min || def > max) {
    const message = `default_interval_minutes (${def}) must be between min_interval_minutes (${min}) and max_interval_minutes (${max})`;
    push([...sp, 'default_interval_minutes'], message);
  }

  cfg.hooks.forEach((hook, i) => {
    if (hook.type === 'webhook' && !isHttpUrl(hook.url)) push(['hooks', i, 'url'], 'must be an http(s) URL');
  });
  return issues;
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
