import { describe, expect, it } from 'vitest';
import { isTransient, withRetries } from '../../src/profiler/retry.js';

describe('retries', () => {
  it('classifies transient errors', () => {
    for (const m of ['read ECONNRESET', 'could not serialize access due to concurrent update', 'deadlock detected', 'Connection terminated unexpectedly', 'HTTP 503 Service Unavailable']) {
      expect(isTransient(new Error(m)), m).toBe(true);
    }
    expect(isTransient(Object.assign(new Error('x'), { code: '40001' }))).toBe(true);
    for (const m of ['Catalog Error: Table with name x does not exist!', 'syntax error at or near "FROM"', 'permission denied for table t']) {
      expect(isTransient(new Error(m)), m).toBe(false);
    }
  });

  it('retries transient failures with backoff up to the cap, never hard ones', async () => {
    let calls = 0;
    const delays: number[] = [];
    const ok = await withRetries(async () => {
      if (++calls < 3) throw new Error('ECONNRESET');
      return 'done';
    }, { baseDelayMs: 1, onRetry: (_e, _a, d) => delays.push(d) });
    expect([ok, calls, delays]).toEqual(['done', 3, [1, 2]]);

    calls = 0;
    await expect(withRetries(async () => { calls++; throw new Error('ECONNRESET'); }, { retries: 2, baseDelayMs: 1 })).rejects.toThrow('ECONNRESET');
    expect(calls).toBe(3);

    calls = 0;
    await expect(withRetries(async () => { calls++; throw new Error('syntax error'); }, { baseDelayMs: 1 })).rejects.toThrow('syntax');
    expect(calls).toBe(1);
  });
});
