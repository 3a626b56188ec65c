/**
 * PostgreSQL connection keys, shared by `source: {type: postgres}` and `storage: {type: postgres}` (SPEC §5:
 * "the postgres store takes the same keys as a postgres source"). `url` and the discrete keys are alternatives;
 * mixing them is rejected in `src/config/checks.ts` because which one wins would be a guess.
 */
import * as z from 'zod';

export const postgresConnectionShape = {
  url: z
    .string()
    .min(1)
    .optional()
    .describe('Connection string postgres://user:password@host:port/database (instead of the discrete keys)'),
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional().describe('Default 5432'),
  database: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  password: z.string().optional().describe('Secret: prefer ${PGPASSWORD}-style interpolation'),
  schema: z.string().min(1).optional().describe('Default schema for table entries (default "public")'),
  ssl: z.boolean().optional(),
  statement_timeout_ms: z.number().int().positive().optional(),
};

export const postgresSourceSchema = z
  .strictObject({
    type: z.literal('postgres'),
    ...postgresConnectionShape,
    sketch_memory_mb: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'Server memory (MB) a scan may hold to group each partition\'s distinct-count sketches separately (default 1024; 0 = never). Over it, one grouping that spills to temp files',
      ),
  })
  .describe('PostgreSQL: change detection from pg_stat_all_tables, partitions from pg_inherits');

export type PostgresSourceInput = z.input<typeof postgresSourceSchema>;
