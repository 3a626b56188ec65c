/**
 * The package root: the public library API (SPEC §9). Only what is listed here is supported; everything under
 * `dist/src/**` is internal and may change without notice.
 */
export { Plan, PlanBuilder, plan, profile } from './api/plan-builder.js';
export type { PlanOptions, PlanSummary, ProfileOptions } from './api/plan-builder.js';
export type { PlanEntry, PlanResult } from './api/plan.js';
export type { ProfileEntry, ProfileResult } from './api/profile.js';
export type { ColumnProfile, TableProfile } from './profiler/state-types.js';
export type { Decision, Reason } from './planner/index.js';
export type {
  BaselinrEvent,
  EventHandler,
  EventType,
  ProfileDeferredCostCap,
  ProfileSampledCostCap,
  ProfilingCompleted,
  ProfilingFailed,
  ProfilingSkipped,
  ProfilingStarted,
  Unsubscribe,
} from './events/index.js';
export type { BaselinrConfig } from './config/index.js';
// ConfigError is what loadConfig (and PlanBuilder given a path) throws; callers need it for `instanceof`.
export { ConfigError, loadConfig } from './config/index.js';
