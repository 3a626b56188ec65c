/** Typed run events, the bus that carries them, and the configured hooks that deliver them (SPEC §8). */
export type {
  BaselinrEvent,
  EventBase,
  EventFields,
  EventOf,
  EventType,
  ProfileDeferredCostCap,
  ProfileSampledCostCap,
  ProfilingCompleted,
  ProfilingFailed,
  ProfilingSkipped,
  ProfilingStarted,
} from './types.js';
export { EVENT_TYPES, event, isEventType } from './types.js';
export type { EventBus, EventBusOptions, EventHandler, SubscribeOptions, Unsubscribe } from './bus.js';
export { createEventBus } from './bus.js';
export type { Hook, HookContext, ModuleHandler } from './hooks/index.js';
export { createHook, toEventRecord } from './hooks/index.js';
