/** `{type: sql}`: each event becomes a row of the state store's events table. */
import type { EventRecord, StateStore } from '../../state/types.js';
import type { BaselinrEvent } from '../types.js';
import type { Hook } from './types.js';

export function toEventRecord(e: BaselinrEvent): EventRecord {
  return { runId: e.runId, eventType: e.type, tableName: e.table, payload: e, createdAt: e.at };
}

/**
 * Without a store (a library caller that passed none) there is nowhere to write: that is reported once, on the
 * first event, rather than the hook silently vanishing from a configured run or warning on every event.
 */
export function sqlHook(store: StateStore | undefined): Hook {
  let reported = false;
  return {
    type: 'sql',
    target: store ? `${store.dialect} state store` : undefined,
    // Serial: the store's `id` order is what `listEvents` reports as newest-first, so it must match emit order.
    concurrency: 1,
    async deliver(e: BaselinrEvent) {
      if (!store) {
        if (reported) return;
        reported = true;
        throw new Error('no state store is open; events of this run are not stored');
      }
      await store.insertEvents([toEventRecord(e)]);
    },
  };
}
