import { describe, expect, it } from 'vitest';
import { checkCount, checkTimestamp, fromBool, fromJson, toBool, toJson, toNumber } from '../../src/state/codec.js';
import { validateMetadataTable } from '../../src/state/index.js';

describe('state codec', () => {
  it('round-trips non-finite numbers JSON would turn into null', () => {
    const value = { min: -Infinity, max: Infinity, m2: NaN, list: [1, Infinity], ok: 1.5 };
    const back = fromJson<typeof value>(toJson(value, 'x'));
    expect(back).toEqual(value);
    expect(Object.is(back?.m2, NaN)).toBe(true);
  });

  it('leaves look-alike objects that are not its tag alone', () => {
    const value = { a: { $baselinr_float: 'Infinity', other: 1 }, b: { $baselinr_float: 5 } };
    expect(fromJson(toJson(value, 'x'))).toEqual(value);
  });

  it('refuses values JSON cannot hold, naming what failed', () => {
    expect(() => toJson({ sum: 1n }, 'partition p column c state')).toThrow(/partition p column c state.*BigInt/);
    expect(() => toJson(() => 1, 'payload')).toThrow(/payload: not JSON-serialisable/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toJson(cyclic, 'snapshot')).toThrow(/snapshot/);
    expect(toJson(undefined, 'x')).toBeNull();
    expect(fromJson(null)).toBeNull();
  });

  it('accepts only ISO-8601 UTC timestamps with Z', () => {
    for (const ok of ['2026-11-22T10:00:00Z', '2026-11-22T10:00:00.123Z', '2026-11-22T10:00:00.123456Z']) {
      expect(checkTimestamp(ok, 't')).toBe(ok);
    }
    for (const bad of ['2026-11-22 10:00:00', '2026-11-22T10:00:00+00:00', '2026-11-22T10:00:00', '', 'now']) {
      expect(() => checkTimestamp(bad, 'lastProfiledAt')).toThrow(/lastProfiledAt/);
    }
  });

  it('checks counts and converts driver integers and booleans', () => {
    expect(checkCount(Number.MAX_SAFE_INTEGER, 'n')).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN]) expect(() => checkCount(bad, 'n')).toThrow();
    expect(toNumber('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(toNumber(12n)).toBe(12);
    expect([toBool(true, 'sqlite'), toBool(false, 'sqlite'), toBool(true, 'postgres')]).toEqual([1, 0, true]);
    expect([fromBool(1), fromBool(0), fromBool(true), fromBool(false)]).toEqual([true, false, true, false]);
  });

  it('validates the metadata table name', () => {
    expect(validateMetadataTable(undefined)).toBe('baselinr_table_state');
    expect(validateMetadataTable('_x9')).toBe('_x9');
    for (const bad of ['a-b', 'a b', 'a"b', 'schema.table', '9a', 'BASELINR_EVENTS', 'x'.repeat(64)]) {
      expect(() => validateMetadataTable(bad)).toThrow(/metadata_table/);
    }
  });
});
