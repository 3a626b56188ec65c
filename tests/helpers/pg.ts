/**
 * A real PostgreSQL for tests. `BASELINR_TEST_PG_URL` (set by .ci/run) wins; without it, in CI, the tests fail
 * (never skip); locally a throwaway cluster is started from the installed server binaries and stopped on exit.
 * Every test file works in its own fresh database, so `pg_stat_reset()` in one cannot disturb another.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

let server: Promise<string> | undefined;

export function testServerUrl(): Promise<string> {
  return (server ??= resolveServer());
}

async function resolveServer(): Promise<string> {
  const env = process.env.BASELINR_TEST_PG_URL;
  if (env) return env;
  if (process.env.CI) throw new Error('BASELINR_TEST_PG_URL is not set: in CI, .ci/run must start PostgreSQL first');
  const bin = serverBin();
  if (!bin) throw new Error('no PostgreSQL server binaries (pg_ctl) found: install postgresql or set BASELINR_TEST_PG_URL');
  return startCluster(bin);
}

function serverBin(): string | undefined {
  const fromPath = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout.trim();
  // Resolved: a symlinked pg_ctl (e.g. /usr/local/bin) need not have pg_basebackup beside it.
  if (fromPath) return dirname(realpathSync(fromPath));
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

/** A temp folder owned by the account the server runs as, and a runner for server binaries as that account. */
function serverWorkspace(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // The server refuses to run as root: hand the folder to the `postgres` account and run as it.
  const asRoot = userInfo().uid === 0;
  const wrap = (args: string[]) => (asRoot ? ['runuser', '-u', 'postgres', '--', ...args] : args);
  const run = (args: string[]) => {
    const cmd = wrap(args);
    const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`${args[0]} failed: ${r.stderr || r.stdout}`);
  };
  if (asRoot) {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    chownSync(dir, Number(uid), Number(gid));
  }
  chmodSync(dir, 0o700);
  return { dir, data: join(dir, 'data'), run, wrap };
}

/** Starts a server on `data` and leaves a detached watchdog that stops it once this process is gone. */
async function startServer(bin: string, ws: ReturnType<typeof serverWorkspace>): Promise<number> {
  const port = await freePort();
  const opts = `-p ${port} -k ${ws.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  ws.run([join(bin, 'pg_ctl'), '-D', ws.data, '-o', opts, '-l', join(ws.dir, 'log'), '-w', 'start']);
  // vitest may end a worker without running exit handlers: the watchdog works however this process ended.
  const stop = ws.wrap([join(bin, 'pg_ctl'), '-D', ws.data, '-m', 'immediate', 'stop']).map(shellQuote).join(' ');
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.5; done; ${stop} >/dev/null 2>&1; rm -rf ${shellQuote(ws.dir)}`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
  return port;
}

async function startCluster(bin: string): Promise<string> {
  const ws = serverWorkspace('baselinr-pg-');
  ws.run([join(bin, 'initdb'), '-D', ws.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  return `postgres://postgres@127.0.0.1:${await startServer(bin, ws)}/postgres`;
}

/**
 * A hot standby of the server behind `primaryUrl` (pg_basebackup -R, streaming), for read-replica tests.
 * Returns `primaryUrl` re-pointed at the standby (same database, user).
 */
export async function startStandby(primaryUrl: string): Promise<string> {
  const bin = serverBin();
  if (!bin) throw new Error('no PostgreSQL server binaries (pg_basebackup) found');
  const primary = new URL(primaryUrl);
  const ws = serverWorkspace('baselinr-pg-standby-');
  ws.run([join(bin, 'pg_basebackup'), '-h', primary.hostname, '-p', primary.port || '5432', '-U', primary.username || 'postgres',
    '-D', ws.data, '-R', '-X', 'stream', '--no-sync', '-c', 'fast']);
  const standby = new URL(primaryUrl);
  standby.port = String(await startServer(bin, ws));
  return standby.toString();
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestDatabase {
  url: string;
  /**
   * A session that writes: every call ends with pg_stat_force_next_flush(), so counters are visible at once.
   * Resolves to the row count of the last statement.
   */
  exec(sql: string): Promise<number>;
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Drops the database (and closes the session). */
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const serverUrl = await testServerUrl();
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const session = new pg.Client({ connectionString: url.toString() });
  await session.connect();
  // The profiler renders values in UTC; tests that write timestamps should see the same zone.
  await session.query(`SET TimeZone = 'UTC'`);
  return {
    url: url.toString(),
    async exec(text) {
      const res = (await session.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
      await session.query('SELECT pg_stat_force_next_flush()');
      const last = Array.isArray(res) ? res[res.length - 1] : res;
      return last?.rowCount ?? 0;
    },
    async query(text) {
      return (await session.query(text)).rows;
    },
    async drop() {
      await session.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await admin.end().catch(() => undefined);
    },
  };
}
