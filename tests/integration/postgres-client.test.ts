/**
 * The Postgres warehouse client against a real server: value normalisation (as the DuckDB client does it),
 * the configured statement timeout, cancellation through an AbortSignal, the query log, and errors that never
 * carry the password or the URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresClient } from '../../connectors/postgres/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';

let db: TestDatabase;
let client: PostgresClient;

beforeAll(async () => {
  db = await createTestDatabase('client');
  client = await PostgresClient.open({ url: db.url });
});
afterAll(async () => {
  await client?.close();
  await db?.drop();
});

describe('Postgres client', () => {
  it('normalises bigint (safe → number, else exact string), keeps numeric and temporal text', async () => {
    const [row] = await client.query(
      `SELECT 42::int8 AS small, 9007199254740993::int8 AS big, '-9223372036854775808'::int8 AS min, 1.50::numeric(5,2) AS dec,
         ARRAY[1, 9007199254740993, NULL]::int8[] AS arr, DATE '2026-11-23' AS d, TIMESTAMPTZ '2026-11-23 10:00:00.123456+00' AS ts,
         2.5::float8 AS f, 7::int4 AS i`,
      { kind: 'metadata' },
    );
    expect(row).toEqual({
      small: 42, big: '9007199254740993', min: '-9223372036854775808', dec: '1.50', arr: [1, '9007199254740993', null],
      d: '2026-11-23', ts: '2026-11-23 10:00:00.123456+00', f: 2.5, i: 7,
    });
  });

  it('runs every session read-only, in UTC', async () => {
    const [row] = await client.query(`SELECT current_setting('TimeZone') AS tz, current_setting('transaction_read_only') AS ro`, { kind: 'metadata' });
    expect(row).toEqual({ tz: 'UTC', ro: 'on' });
    await expect(client.query('CREATE TABLE nope (i int)', { kind: 'ddl' })).rejects.toThrow(/read-only transaction/);
  });

  it('records every statement in the query log, failures included', async () => {
    const before = client.queryLog.length;
    await client.query('SELECT 1 AS one', { kind: 'data', table: 't' });
    await client.query('SELECT nope', { kind: 'metadata' }).catch(() => undefined);
    const [ok, failed] = client.queryLog.slice(before);
    expect(ok).toMatchObject({ sql: 'SELECT 1 AS one', kind: 'data', table: 't', rows: 1 });
    expect(failed.error).toMatch(/column "nope" does not exist/);
  });

  it('applies statement_timeout_ms from the config', async () => {
    const timed = await PostgresClient.open({ url: db.url, statementTimeoutMs: 200 });
    const started = Date.now();
    await expect(timed.query('SELECT pg_sleep(5)', { kind: 'data' })).rejects.toThrow(/statement timeout/);
    expect(Date.now() - started).toBeLessThan(3000);
    await timed.close();
  });

  it('cancels the running statement on abort and never reuses that connection', async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(new Error('interrupted')), 300);
    await expect(client.query(`SELECT pg_sleep(20) /* cancel-me */`, { kind: 'data', signal: ac.signal })).rejects.toThrow(/cancelled/);
    expect(Date.now() - started).toBeLessThan(5000);
    const running = await db.query(`SELECT pid FROM pg_stat_activity WHERE query LIKE '%cancel-me%' AND state = 'active' AND pid <> pg_backend_pid()`);
    expect(running).toEqual([]);
    expect(await client.query('SELECT 2 AS two', { kind: 'data' })).toEqual([{ two: 2 }]);
  });

  it('a connection error names the target but never the password or the URL', async () => {
    const url = 'postgres://bob:s3cr%21t-pw@127.0.0.1:1/warehouse';
    const bad = await PostgresClient.open({ url });
    const err = (await bad.query('SELECT 1', { kind: 'metadata' }).catch((e: Error) => e)) as Error;
    await bad.close();
    expect(err.message).toMatch(/cannot connect to postgres:\/\/bob@127\.0\.0\.1:1\/warehouse/);
    expect(err.message).not.toMatch(/s3cr|%21t-pw|!t-pw/);
    expect(bad.queryLog[0].error).not.toMatch(/s3cr/);
  });
});
