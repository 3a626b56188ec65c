/**
 * Connection keys of a `source: {type: duckdb}` (SPEC §5). Kept next to the connector so the connector and the
 * config schema cannot drift apart; `src/config/schema.ts` composes every connector's schema into one union.
 */
import * as z from 'zod';

export const duckdbSourceSchema = z
  .strictObject({
    type: z.literal('duckdb'),
    path: z
      .string()
      .min(1)
      .default(':memory:')
      .describe('DuckDB database file (created if missing), relative to the config file; ":memory:" for none'),
    threads: z.number().int().positive().optional().describe('DuckDB worker threads (default: DuckDB decides)'),
  })
  .describe('Embedded DuckDB: database files and Hive-partitioned Parquet folders');

export type DuckdbSourceInput = z.input<typeof duckdbSourceSchema>;
