/** Builds the runtime hook for each configured `hooks:` entry. */
import type { HookConfig } from '../../config/types.js';
import { logHook } from './log.js';
import { moduleHook } from './module.js';
import { sqlHook } from './sql.js';
import type { Hook, HookContext } from './types.js';
import { webhookHook } from './webhook.js';

export type { Hook, HookContext } from './types.js';
export type { ModuleHandler } from './module.js';
export { toEventRecord } from './sql.js';

export function createHook(config: HookConfig, ctx: HookContext): Hook {
  switch (config.type) {
    case 'log':
      return logHook(ctx.logger);
    case 'sql':
      return sqlHook(ctx.store);
    case 'webhook':
      return webhookHook(config);
    case 'module':
      return moduleHook(config.path);
  }
}
