/** Connection keys of a `source: {type: snowflake}` (SPEC §5). Password or key-pair auth, one of the two. */
import * as z from 'zod';

export const snowflakeSourceSchema = z
  .strictObject({
    type: z.literal('snowflake'),
    account: z.string().min(1).describe('Account identifier, e.g. "myorg-myaccount"'),
    user: z.string().min(1),
    password: z.string().optional().describe('Secret; alternative to private_key_path'),
    private_key_path: z
      .string()
      .min(1)
      .optional()
      .describe('PEM private key file for key-pair auth, relative to the config file'),
    private_key_passphrase: z.string().optional().describe('Secret: passphrase of an encrypted private key'),
    warehouse: z.string().min(1).optional(),
    database: z.string().min(1),
    schema: z.string().min(1).optional().describe('Default schema for table entries (default "PUBLIC")'),
    role: z.string().min(1).optional(),
    access_url: z
      .string()
      .min(1)
      .optional()
      .describe('Override of the account URL (snowflake-sdk accessUrl); used to point tests at a local fake'),
  })
  .describe('Snowflake: change detection from INFORMATION_SCHEMA.TABLES');

export type SnowflakeSourceInput = z.input<typeof snowflakeSourceSchema>;
