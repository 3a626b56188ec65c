/** Snapshot and schema fingerprints shared by every connector, so equal facts give equal ids everywhere. */
import { createHash } from 'node:crypto';
import type { ColumnInfo, PartitionFact } from './types.js';

export function schemaHash(columns: ColumnInfo[]): string {
  return digest(columns.map((c) => `${c.name}\0${c.type}`).join('\n'));
}

export function snapshotIds(columns: ColumnInfo[], partitions: PartitionFact[]): { snapshotId: string; schemaHash: string } {
  const s = schemaHash(columns);
  const parts = partitions.map((p) => `${p.id}\0${p.fingerprint}`).join('\n');
  return { schemaHash: s, snapshotId: digest(`${s}\n${parts}`) };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}
