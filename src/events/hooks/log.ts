/** `{type: log}`: one pino info line per event, the event itself as the structured `event` field. */
import type { Logger } from '../../log.js';
import type { BaselinrEvent } from '../types.js';
import type { Hook } from './types.js';

export function logHook(logger: Logger): Hook {
  return {
    type: 'log',
    concurrency: 1,
    async deliver(e: BaselinrEvent) {
      logger.info({ event: e }, `event ${e.type} ${e.table}`);
    },
  };
}
