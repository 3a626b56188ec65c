/** Connection keys of a `source: {type: bigquery}` (SPEC §5). */
import * as z from 'zod';

export const bigquerySourceSchema = z
  .strictObject({
    type: z.literal('bigquery'),
    project_id: z.string().min(1),
    location: z.string().min(1).optional().describe('Dataset location, e.g. "EU" or "us-central1"'),
    dataset: z.string().min(1).optional().describe('Default dataset for table entries'),
    key_file: z
      .string()
      .min(1)
      .optional()
      .describe('Service-account JSON key, relative to the config file (default: application default credentials)'),
    api_endpoint: z
      .string()
      .min(1)
      .optional()
      .describe('Override of the BigQuery API endpoint; used to point tests at a local fake'),
  })
  .describe('BigQuery: change detection from INFORMATION_SCHEMA.PARTITIONS');

export type BigquerySourceInput = z.input<typeof bigquerySourceSchema>;
