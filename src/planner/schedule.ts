/**
 * Adaptive scheduling: each table learns how often it is worth checking. Checks that find nothing double the
 * interval, checks that find change halve it, within [min, max]. Because every check — skip or profile — sets
 * nextDueAt = now + interval and the interval never exceeds max, a change waits at most max minutes to be seen:
 * the Python original's "fixed interval" and its skips that starved tables are both impossible here.
 */
import type { IncrementalConfig } from '../config/types.js';
import type { TableStateRow } from '../state/types.js';

type ScheduleConfig = IncrementalConfig['adaptiveScheduling'];

/** What a check learned about the table, independently of what was decided to do about it. */
export type Observation = 'changed' | 'unchanged' | 'unknown';

export interface Schedule {
  intervalMinutes: number;
  nextDueAt: string | null;
}

const MINUTE_MS = 60_000;

/** The interval the table has now: a priority override pins it, else the stored one kept within bounds. */
export function currentInterval(name: string, prior: TableStateRow | undefined, cfg: ScheduleConfig): number {
  if (!cfg.enabled) return cfg.defaultIntervalMinutes;
  const pinned = cfg.priorityOverrides[name];
  if (pinned !== undefined) return pinned;
  // Bounds can change between runs; a stored value outside them must not outlive the new config.
  return clamp(prior?.intervalMinutes ?? cfg.defaultIntervalMinutes, cfg);
}

/** The interval to store after a check that made `obs`. */
export function learnInterval(name: string, current: number, obs: Observation, cfg: ScheduleConfig): number {
  if (!cfg.enabled) return cfg.defaultIntervalMinutes;
  if (cfg.priorityOverrides[name] !== undefined) return current;
  if (obs === 'unchanged') return clamp(current * 2, cfg);
  if (obs === 'changed') return clamp(Math.floor(current / 2), cfg);
  return current;
}

/** The schedule stored after the table was actually checked at `now`. */
export function scheduleAfterCheck(now: Date, intervalMinutes: number, cfg: ScheduleConfig): Schedule {
  if (!cfg.enabled) return { intervalMinutes, nextDueAt: null };
  return { intervalMinutes, nextDueAt: new Date(now.getTime() + intervalMinutes * MINUTE_MS).toISOString() };
}

/** The schedule kept when the table was not checked (not_due, locked): exactly what is stored. */
export function scheduleUnchanged(name: string, prior: TableStateRow | undefined, cfg: ScheduleConfig): Schedule {
  const intervalMinutes = currentInterval(name, prior, cfg);
  return { intervalMinutes, nextDueAt: cfg.enabled ? (prior?.nextDueAt ?? null) : null };
}

/**
 * True when adaptive scheduling says the table need not be looked at yet. A stored due time further away than
 * the current interval (the config shrank since it was written) or unreadable is treated as due, so a config
 * change can never push a table's next check beyond what the current config allows.
 */
export function isNotDue(now: Date, prior: TableStateRow | undefined, interval: number, cfg: ScheduleConfig): boolean {
  if (!cfg.enabled || !prior?.nextDueAt) return false;
  const due = Date.parse(prior.nextDueAt);
  if (Number.isNaN(due)) return false;
  const wait = due - now.getTime();
  return wait > 0 && wait <= interval * MINUTE_MS;
}

export function minutesBetween(fromIso: string, to: Date): number | null {
  const from = Date.parse(fromIso);
  return Number.isNaN(from) ? null : (to.getTime() - from) / MINUTE_MS;
}

function clamp(minutes: number, cfg: ScheduleConfig): number {
  return Math.min(cfg.maxIntervalMinutes, Math.max(cfg.minIntervalMinutes, minutes));
}
