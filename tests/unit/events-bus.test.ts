import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus, event, type BaselinrEvent, type ProfilingFailed } from '../../src/events/index.js';
import { captureLogger } from '../fixtures/hooks/capture-logger.js';
import { completed, failed, skipped, started } from '../fixtures/hooks/events.js';

const SLOW_MODULE = fileURLToPath(new URL('../fixtures/hooks/slow-named.mjs', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baselinr-events-'));
});
afterEach(() => {
  delete process.env.BASELINR_HOOK_OUT;
  delete process.env.BASELINR_HOOK_DELAY_MS;
  rmSync(dir, { recursive: true, force: true });
});

describe('event()', () => {
  it('stamps `at` as ISO UTC and keeps the type and fields', () => {
    const e = failed('t', 'bad');
    expect(e.type).toBe('ProfilingFailed');
    expect(e.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(e).toMatchObject({ table: 't', error: 'bad', decision: 'full', reason: 'first_run' });
    const pinned = event('ProfilingFailed', { at: '2020-01-01T00:00:00.000Z', runId: 'r', table: 't', decision: 'full', reason: 'forced', error: 'x' });
    expect(pinned.at).toBe('2020-01-01T00:00:00.000Z');
  });
});

describe('EventBus subscribers', () => {
  it('delivers to subscribers synchronously and stops after unsubscribe', () => {
    const bus = createEventBus({ hooks: [], logger: captureLogger().logger });
    const seen: BaselinrEvent[] = [];
    const off = bus.subscribe((e) => void seen.push(e));
    const a = started();
    bus.emit(a);
    expect(seen).toEqual([a]);
    off();
    off(); // idempotent
    bus.emit(completed());
    expect(seen).toEqual([a]);
  });

  it('filters by type, with the handler typed to the chosen events', () => {
    const bus = createEventBus({ hooks: [], logger: captureLogger().logger });
    const errors: string[] = [];
    const all: string[] = [];
    bus.subscribe({ types: ['ProfilingFailed'], handler: (e: ProfilingFailed) => void errors.push(e.error) });
    bus.subscribe({ handler: (e) => void all.push(e.type) });
    for (const e of [started(), failed('a', 'first'), skipped(), failed('b', 'second'), completed()]) bus.emit(e);
    expect(errors).toEqual(['first', 'second']);
    expect(all).toEqual(['ProfilingStarted', 'ProfilingFailed', 'ProfilingSkipped', 'ProfilingFailed', 'ProfilingCompleted']);
  });

  it('a subscriber that unsubscribes mid-emit does not make others miss the event', () => {
    const bus = createEventBus({ hooks: [], logger: captureLogger().logger });
    const seen: string[] = [];
    const off = bus.subscribe(() => {
      seen.push('first');
      off();
    });
    bus.subscribe(() => void seen.push('second'));
    bus.emit(started());
    bus.emit(started());
    expect(seen).toEqual(['first', 'second', 'second']);
  });

  it('a throwing or rejecting subscriber is logged (secrets masked) and does not break emit or flush', async () => {
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [], logger: cap.logger, secrets: ['hunter2'] });
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('sync failure with hunter2');
    });
    bus.subscribe(async () => {
      throw new Error('async failure');
    });
    bus.subscribe((e) => void seen.push(e.type));
    expect(() => bus.emit(started())).not.toThrow();
    expect(seen).toEqual(['ProfilingStarted']);
    await expect(bus.flush()).resolves.toBeUndefined();
    const warnings = cap.warnings().map((l) => l.msg);
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toContain('sync failure with ***');
    expect(warnings.join('\n')).toContain('async failure');
    expect(cap.text()).not.toContain('hunter2');
  });
});

describe('EventBus hooks', () => {
  it('emit does not wait for a slow hook; flush waits for every queued delivery, in order', async () => {
    const out = join(dir, 'out.jsonl');
    writeFileSync(out, '');
    process.env.BASELINR_HOOK_OUT = out;
    process.env.BASELINR_HOOK_DELAY_MS = '80';
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [{ type: 'module', path: SLOW_MODULE }], logger: cap.logger });
    const events = [started('a'), completed('a'), started('b')];
    for (const e of events) bus.emit(e);
    // Nothing delivered yet: emit returned before the first 80 ms delivery could finish.
    expect(readFileSync(out, 'utf8')).toBe('');
    await bus.flush();
    const written = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(written).toEqual(events);
    expect(cap.warnings()).toEqual([]);
    await bus.flush(); // nothing pending: resolves at once
  });

  it('flush also waits for async subscribers', async () => {
    const bus = createEventBus({ hooks: [], logger: captureLogger().logger });
    let done = false;
    bus.subscribe(async () => {
      await new Promise((r) => setTimeout(r, 30));
      done = true;
    });
    bus.emit(started());
    expect(done).toBe(false);
    await bus.flush();
    expect(done).toBe(true);
  });

  it('the log hook writes one info line per event, carrying the event', async () => {
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [{ type: 'log' }], logger: cap.logger });
    const events = [started(), completed()];
    for (const e of events) bus.emit(e);
    await bus.flush();
    const info = cap.lines.filter((l) => l.level === 30);
    expect(info.map((l) => l.event)).toEqual(events);
    expect(info[0].msg).toContain('ProfilingStarted');
  });

  it('hooks get a scrubbed snapshot taken at emit time', async () => {
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [{ type: 'log' }], logger: cap.logger, secrets: ['pa55word'] });
    const seen: BaselinrEvent[] = [];
    bus.subscribe((e) => void seen.push(e));
    const e = failed('t', 'connect failed for user:pa55word@host');
    bus.emit(e);
    e.error = 'mutated after emit';
    await bus.flush();
    expect(seen[0].type === 'ProfilingFailed' && seen[0].error).toBe('mutated after emit');
    const logged = cap.lines.find((l) => l.level === 30)?.event as ProfilingFailed;
    expect(logged.error).toBe('connect failed for user:***@host');
    expect(cap.text()).not.toContain('pa55word');
  });
});
