/**
 * A Hive-partitioned Parquet folder's manifest: its files grouped by `key=value/...` directory. The file list
 * (path, size, mtime) is the partition's snapshot: reading it costs a readdir + stat, never a data scan.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createHash } from 'node:crypto';
import type { FileFact, PartitionFact } from '../../src/connectors/types.js';

/** Partition id of files sitting directly in the dataset root (an unpartitioned dataset). */
export const ROOT_PARTITION = '__all__';

export function readManifest(root: string): PartitionFact[] {
  let rootStat;
  try {
    rootStat = statSync(root);
  } catch {
    throw new Error(`parquet dataset folder not found: ${root}`);
  }
  if (!rootStat.isDirectory()) throw new Error(`parquet dataset is not a folder: ${root}`);
  const byPartition = new Map<string, FileFact[]>();
  walk(root, root, byPartition);
  const partitions: PartitionFact[] = [];
  for (const [id, files] of [...byPartition.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    files.sort((a, b) => (a.path < b.path ? -1 : 1));
    const bytes = files.reduce((s, f) => s + f.size, 0);
    partitions.push({ id, files, bytes, fingerprint: fingerprintFiles(root, files) });
  }
  return partitions;
}

function walk(root: string, dir: string, out: Map<string, FileFact[]>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Writers leave markers and temp files (`_SUCCESS`, `.part-0.crc`, `_temporary/`): never data.
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(root, full, out);
    } else if (entry.isFile() && entry.name.endsWith('.parquet')) {
      const st = statSync(full);
      const rel = relative(root, dir).split(sep).join('/');
      const id = rel === '' ? ROOT_PARTITION : rel;
      const list = out.get(id) ?? [];
      list.push({ path: full, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
      out.set(id, list);
    }
  }
}

function fingerprintFiles(root: string, files: FileFact[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${relative(root, f.path)}\0${f.size}\0${f.mtimeMs}\n`);
  return h.digest('hex').slice(0, 32);
}

/** `event_date=2026-11-21/region=eu` → `[['event_date','2026-11-21'],['region','eu']]` */
export function hiveKeys(partitionId: string): Array<[string, string]> {
  if (partitionId === ROOT_PARTITION) return [];
  return partitionId.split('/').flatMap((seg) => {
    const i = seg.indexOf('=');
    return i > 0 ? [[seg.slice(0, i), decodeURIComponent(seg.slice(i + 1))] as [string, string]] : [];
  });
}
