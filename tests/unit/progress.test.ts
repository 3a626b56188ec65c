import { describe, expect, it } from 'vitest';
import { Progress, progressLine } from '../../src/cli/progress.js';
import { event } from '../../src/events/index.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns: 80, write: (s: string) => chunks.push(s) };
}

describe('progress display', () => {
  it('renders done/total, rows scanned, failures and the current table', () => {
    const line = progressLine({ total: 10, done: 3, failed: 1, rows: 1234567, current: 'main.events', startedAt: 0 }, 2500);
    expect(line).toBe('[3/10] tables · 1,234,567 rows scanned · 2.5s · 1 failed · profiling main.events');
    expect(progressLine({ total: null, done: 0, failed: 0, rows: 0, current: 'x'.repeat(200), startedAt: 0 }, 0, 40)).toHaveLength(39);
  });

  it('follows events on a terminal and clears its line at the end', () => {
    const out = stream(true);
    const p = new Progress(out, true);
    p.planned(2);
    p.handle(event('ProfilingStarted', { runId: 'r', table: 'a', decision: 'full', reason: 'first_run', snapshot_id: null, partitions: [] }));
    p.handle(event('ProfilingCompleted', { runId: 'r', table: 'a', decision: 'full', reason: 'first_run', rows_scanned: 42, partitions: 1, duration_ms: 5 }));
    p.finish();
    const text = out.chunks.join('');
    expect(text).toContain('profiling a');
    expect(text).toContain('[1/2] tables · 42 rows scanned');
    expect(out.chunks.at(-1)).toBe('\r\x1b[2K');
  });

  it('writes nothing when disabled (not a TTY, or --format json)', () => {
    const out = stream(false);
    const p = new Progress(out, false);
    p.planned(1);
    p.handle(event('ProfilingSkipped', { runId: 'r', table: 'a', action: 'skip', reason: 'snapshot_match', snapshot_id: null, last_profiled_at: null }));
    p.finish();
    expect(out.chunks).toEqual([]);
  });
});
