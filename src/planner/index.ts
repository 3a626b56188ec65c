/** Public surface of the planner; other modules import from here only. */
export { planTable, planTables, summarize } from './plan.js';
export { DECISIONS, REASONS, PENDING_REASONS, PROFILE_DECISIONS, isProfileDecision, type Decision, type Reason } from './reasons.js';
export type { PendingDeferral, PlanContext, PlanTableInput, PriorPartition, TableDecision } from './types.js';
export { diffPartitions, appendedRowsScope, type PartitionDiff } from './changes.js';
export { exceededCap } from './cost.js';
export type { Observation } from './schedule.js';
export { watermarkLowerBound, bucketOf } from './watermark.js';
