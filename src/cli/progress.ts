/**
 * A live one-line progress display on a terminal (tables done / total, current table, rows scanned). It writes
 * nothing unless the stream is a TTY and the output format is human, so logs, pipes and `--format json` stay
 * machine-readable.
 */
import type { BaselinrEvent } from '../events/index.js';

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressState {
  total: number | null;
  done: number;
  failed: number;
  rows: number;
  current: string | null;
  startedAt: number;
}

export function progressLine(s: ProgressState, now: number, width = 100): string {
  const count = s.total === null ? `${s.done}` : `${s.done}/${s.total}`;
  const secs = ((now - s.startedAt) / 1000).toFixed(1);
  const parts = [`[${count}] tables`, `${s.rows.toLocaleString('en-US')} rows scanned`, `${secs}s`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.current) parts.push(`profiling ${s.current}`);
  const line = parts.join(' · ');
  return line.length > width - 1 ? `${line.slice(0, width - 2)}…` : line;
}

export class Progress {
  private readonly state: ProgressState = { total: null, done: 0, failed: 0, rows: 0, current: null, startedAt: Date.now() };
  private timer?: NodeJS.Timeout;

  constructor(private readonly out: ProgressStream, readonly enabled: boolean) {
    if (enabled) {
      this.timer = setInterval(() => this.render(), 250);
      this.timer.unref();
    }
  }

  planned(total: number): void {
    this.state.total = total;
    this.render();
  }

  handle(e: BaselinrEvent): void {
    if (e.type === 'ProfilingStarted') this.state.current = e.table;
    if (e.type === 'ProfilingCompleted') this.state.rows += e.rows_scanned;
    if (e.type === 'ProfilingCompleted' || e.type === 'ProfilingFailed' || e.type === 'ProfilingSkipped') {
      this.state.done += 1;
      if (e.type === 'ProfilingFailed') this.state.failed += 1;
      if (this.state.current === e.table) this.state.current = null;
    }
    this.render();
  }

  finish(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.enabled) this.out.write('\r\x1b[2K');
  }

  private render(): void {
    if (!this.enabled) return;
    this.out.write(`\r\x1b[2K${progressLine(this.state, Date.now(), this.out.columns ?? 100)}`);
  }
}
