/**
 * `{type: module}`: a user's JS module whose `default` (or named `handler`) export receives each event. It is
 * imported lazily, on the first event, so a run that emits nothing never executes user code.
 */
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BaselinrEvent } from '../types.js';
import type { Hook } from './types.js';

export type ModuleHandler = (e: BaselinrEvent) => void | Promise<void>;

type Loaded = { handler: ModuleHandler } | { error: string };

export function moduleHook(path: string): Hook {
  let loading: Promise<Loaded> | undefined;
  let reported = false;

  return {
    type: 'module',
    target: basename(path),
    // Serial, so a handler that appends or counts sees events in emit order without locking of its own.
    concurrency: 1,
    async deliver(e: BaselinrEvent) {
      const loaded = await (loading ??= load(path));
      if ('error' in loaded) {
        // A module that cannot load fails the same way for every event: one report, then its events are dropped.
        if (reported) return;
        reported = true;
        throw new Error(`${loaded.error}; its events are dropped for this run`);
      }
      await loaded.handler(e);
    },
  };
}

async function load(path: string): Promise<Loaded> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    return { error: `could not load ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const handler = typeof mod.default === 'function' ? mod.default : mod.handler;
  if (typeof handler !== 'function') {
    return { error: `${path} exports no handler (a default export or a named "handler" function)` };
  }
  return { handler: handler as ModuleHandler };
}
