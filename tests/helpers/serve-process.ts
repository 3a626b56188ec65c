/** A real `baselinr serve` process on a free loopback port, for the HTTP API and Dagster sensor tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { BIN } from './workspace.js';

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  /** SIGTERM, then the exit code (SIGKILL after `ms` if it hangs, reported as -1). */
  stop: (ms?: number) => Promise<number>;
}

export async function startServe(config: string, opts: { env?: Record<string, string>; args?: string[]; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, '-c', config, '--format', 'json', 'serve', '--port', '0', ...(opts.args ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL in time; stderr: ${err}`)), opts.timeoutMs ?? 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        const doc = JSON.parse(out) as { url: string };
        clearTimeout(timer);
        resolve(doc.url);
      } catch {
        // not a whole JSON document yet
      }
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code} before listening; stderr: ${err}`)));
  });
  const stop = async (ms = 15_000): Promise<number> => {
    if (child.exitCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return { url, child, stderr: () => err, stop };
}

/** A raw request, for what fetch() refuses to send (a foreign Host header). */
export function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
