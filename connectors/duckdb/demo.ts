/**
 * `baselinr init --demo`: a small local warehouse — a DuckDB database with two tables and a Hive-partitioned
 * Parquet dataset. Values are derived from row numbers (no random()), so every run builds the same data and
 * tests can compute the expected metrics independently.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBClient } from './client.js';
import { DuckDBDialect } from './dialect.js';

export interface DemoPaths {
  database: string;
  orders: string;
}

export async function createDemoWarehouse(dir: string): Promise<DemoPaths> {
  const database = join(dir, 'warehouse.duckdb');
  const orders = join(dir, 'lake', 'orders');
  rmSync(database, { force: true });
  rmSync(`${database}.wal`, { force: true });
  rmSync(orders, { recursive: true, force: true });
  mkdirSync(orders, { recursive: true });
  const client = await DuckDBClient.open(database);
  const lit = (s: string) => new DuckDBDialect().literal(s);
  try {
    await client.exec(`CREATE TABLE main.customers AS
      SELECT i AS id,
             'customer ' || i AS name,
             ['DE','FR','US','JP','BR','IN','GB','ES'][1 + (i * 7) % 8] AS country,
             DATE '2024-01-01' + CAST((i * 13) % 700 AS INTEGER) AS signup_date,
             CASE WHEN i % 17 = 0 THEN NULL ELSE round(((i * 7919) % 100000) / 100.0, 2) END AS lifetime_value,
             CAST(((i * 104729) % 1000) / 10.0 AS DECIMAL(6,1)) AS score
      FROM range(1, 2001) t(i)`);
    await client.exec(`CREATE TABLE main.page_views AS
      SELECT i AS view_id,
             TIMESTAMP '2026-11-01 00:00:00' + to_seconds(i * 97) AS _loaded_at,
             '/page/' || (i % 50) AS path,
             CASE WHEN i % 11 = 0 THEN NULL ELSE 1 + (i * 31) % 2000 END AS customer_id,
             (i % 5 = 0) AS bounced
      FROM range(1, 20001) t(i)`);
    // Two writes into the same folder: several partitions end up with two files, as real loaders produce.
    for (const [from, to] of [[1, 15001], [15001, 20001]]) {
      await client.exec(`COPY (
        SELECT i AS order_id,
               1 + (i * 31) % 2000 AS customer_id,
               CAST(((i * 7907) % 50000) / 100.0 AS DECIMAL(10,2)) AS amount,
               ['card','paypal','invoice', NULL][1 + i % 4] AS payment_method,
               DATE '2026-10-01' + CAST(i % 30 AS INTEGER) AS order_date
        FROM range(${from}, ${to}) t(i)
      ) TO ${lit(orders)} (FORMAT parquet, PARTITION_BY (order_date), APPEND)`);
    }
  } finally {
    await client.close();
  }
  return { database, orders };
}

export function demoConfigText(): string {
  return `# baselinr demo: a local DuckDB warehouse and a Hive-partitioned Parquet dataset (see README).
source:
  type: duckdb
  path: ./demo/warehouse.duckdb
storage:
  type: sqlite
  path: ./.baselinr/state.db
profiling:
  tables:
    - table: customers
      schema: main
    - table: page_views
      schema: main
    - name: orders
      parquet: ./demo/lake/orders
incremental:
  # The demo checks every table on every run, so you can watch change detection at work. In production leave
  # adaptive scheduling on: tables that rarely change are then checked less often (see README).
  adaptive_scheduling: {enabled: false}
hooks:
  - type: sql
`;
}
