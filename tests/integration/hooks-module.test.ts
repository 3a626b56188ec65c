import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/events/index.js';
import { captureLogger } from '../fixtures/hooks/capture-logger.js';
import { completed, failed, skipped, started } from '../fixtures/hooks/events.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/hooks/${name}`, import.meta.url));

let dir: string;
let out: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baselinr-hooks-'));
  out = join(dir, 'events.jsonl');
  writeFileSync(out, '');
  process.env.BASELINR_HOOK_OUT = out;
});
afterEach(() => {
  delete process.env.BASELINR_HOOK_OUT;
  rmSync(dir, { recursive: true, force: true });
});

const written = () => readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);

describe('module hook', () => {
  it('calls the default export with every event, in emit order', async () => {
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [{ type: 'module', path: fixture('append.mjs') }], logger: cap.logger });
    const events = [started(), completed(), skipped('other.table')];
    for (const e of events) bus.emit(e);
    await bus.flush();
    expect(written()).toEqual(events);
    expect(cap.warnings()).toEqual([]);
  });

  it('accepts a named `handler` export', async () => {
    process.env.BASELINR_HOOK_DELAY_MS = '1';
    const bus = createEventBus({ hooks: [{ type: 'module', path: fixture('slow-named.mjs') }], logger: captureLogger().logger });
    const e = failed();
    bus.emit(e);
    await bus.flush();
    delete process.env.BASELINR_HOOK_DELAY_MS;
    expect(written()).toEqual([e]);
  });

  it('a handler that throws is logged once per event and never thrown', async () => {
    const cap = captureLogger();
    const bus = createEventBus({
      hooks: [{ type: 'module', path: fixture('throws.mjs') }, { type: 'module', path: fixture('append.mjs') }],
      logger: cap.logger,
    });
    expect(() => {
      bus.emit(started());
      bus.emit(completed());
    }).not.toThrow();
    await expect(bus.flush()).resolves.toBeUndefined();
    const warnings = cap.warnings();
    expect(warnings.map((w) => w.msg)).toEqual([
      expect.stringContaining('handler refused ProfilingStarted'),
      expect.stringContaining('handler refused ProfilingCompleted'),
    ]);
    expect(warnings.every((w) => w.hook === 'module' && w.target === 'throws.mjs')).toBe(true);
    // The other hook still got everything.
    expect(written()).toHaveLength(2);
  });

  it('a module that fails to load is reported once, however many events follow', async () => {
    const cap = captureLogger();
    const bus = createEventBus({ hooks: [{ type: 'module', path: fixture('broken.mjs') }], logger: cap.logger });
    for (let i = 0; i < 4; i++) bus.emit(started(`t${i}`));
    await bus.flush();
    bus.emit(completed());
    await bus.flush();
    const warnings = cap.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('broken at import time');
    expect(warnings[0].msg).toContain('dropped');
  });

  it('a missing module or one without a handler is reported once', async () => {
    const cap = captureLogger();
    const bus = createEventBus({
      hooks: [{ type: 'module', path: join(dir, 'missing.mjs') }, { type: 'module', path: fixture('no-handler.mjs') }],
      logger: cap.logger,
    });
    bus.emit(started());
    bus.emit(completed());
    await bus.flush();
    const msgs = cap.warnings().map((w) => w.msg);
    expect(msgs).toHaveLength(2);
    expect(msgs.some((m) => m.includes('missing.mjs') && m.includes('could not load'))).toBe(true);
    expect(msgs.some((m) => m.includes('exports no handler'))).toBe(true);
  });
});
