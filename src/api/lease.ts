/**
 * Table leases in the state store: two runs (two cron processes, or cron and `serve`) never profile one table at
 * the same time. A lease expires unless renewed, so a crashed holder's table is taken over after LEASE_TTL_MS —
 * or at once when the holder is a process on this host that no longer exists (`kill -9`, OOM).
 */
import { hostname } from 'node:os';
import type { StateStore } from '../state/index.js';

export const LEASE_TTL_MS = 10 * 60_000;
const HEARTBEAT_MS = 60_000;

export interface Lease {
  release(): Promise<void>;
}

/** `host:pid:run`: enough to tell, on the same host, whether the holder is still alive. */
export function leaseHolderId(runId: string): string {
  return `${hostname()}:${process.pid}:${runId}`;
}

export async function tryLease(store: StateStore, table: string, runId: string, now: () => Date): Promise<Lease | null> {
  const holder = leaseHolderId(runId);
  const expiry = () => new Date(now().getTime() + LEASE_TTL_MS).toISOString();
  let ok = await store.acquireLease(table, holder, now().toISOString(), expiry());
  if (!ok) {
    const current = await store.leaseHolder(table);
    if (current && holderIsDead(current.holder)) {
      ok = await store.takeOverLease(table, current.holder, holder, now().toISOString(), expiry());
    }
  }
  if (!ok) return null;
  // Renew while a long scan runs; unref so a forgotten timer never keeps the process alive.
  const timer = setInterval(() => {
    store.acquireLease(table, holder, now().toISOString(), expiry()).catch(() => undefined);
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await store.releaseLease(table, holder).catch(() => undefined);
    },
  };
}

function holderIsDead(holder: string): boolean {
  const [host, pidText] = holder.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else — alive.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
