/**
 * Random changes to a Parquet lake, as loaders and maintenance jobs make them. Each returns what it did (the
 * failure message replays it) or null when it does not apply to the lake as it is.
 */
import { ADDED_TYPES, MODES, addedColumnName, pick, randInt, value, type Mode } from './values.js';
import type { Lake } from './parquet-lake.js';

type Op = (lake: Lake) => Promise<string | null>;

const mode = (lake: Lake): Mode => pick(lake.rand, MODES);
const somePartition = (lake: Lake) => pick(lake.rand, lake.partitions());
const someFile = (lake: Lake) => pick(lake.rand, [...lake.files.values()]);

/** A new partition id; sometimes one that existed before, so stale states of a dropped partition would show. */
function partitionId(lake: Lake): string {
  const n = lake.rand() < 0.25 && lake.nextPart > 0 ? randInt(lake.rand, 0, lake.nextPart - 1) : lake.nextPart++;
  const id = lake.partitionName(n);
  return lake.partitions().includes(id) ? lake.partitionName(lake.nextPart++) : id;
}

export async function seedLake(lake: Lake): Promise<void> {
  for (let p = randInt(lake.rand, 3, 5); p > 0; p--) {
    const id = partitionId(lake);
    for (let f = randInt(lake.rand, 1, 3); f > 0; f--) await lake.addFile(id, lake.newRows(randInt(lake.rand, 20, 150), 'normal'));
  }
}

const appendFile: Op = async (lake) => {
  const p = somePartition(lake);
  const m = mode(lake);
  await lake.addFile(p, lake.newRows(randInt(lake.rand, 1, 120), m));
  return `append ${m} file to ${p}`;
};

const addPartition: Op = async (lake) => {
  const p = partitionId(lake);
  for (let f = randInt(lake.rand, 1, 2); f > 0; f--) await lake.addFile(p, lake.newRows(randInt(lake.rand, 1, 150), mode(lake)));
  return `add partition ${p}`;
};

const deletePartition: Op = async (lake) => {
  if (lake.partitions().length < 2) return null;
  const p = somePartition(lake);
  lake.deletePartition(p);
  return `delete partition ${p}`;
};

const deleteFile: Op = async (lake) => {
  const p = lake.partitions().find((id) => lake.filesIn(id).length > 1);
  if (!p) return null;
  const f = pick(lake.rand, lake.filesIn(p));
  lake.deleteFile(f);
  return `delete file ${f.path.slice(lake.root.length + 1)}`;
};

/** Deletes some rows, updates others, inserts new ones; the old files go and new names come. */
const rewritePartition: Op = async (lake) => {
  const p = somePartition(lake);
  const old = lake.filesIn(p);
  // Rows are re-read in the current column order; columns a file predates read as NULL, as union_by_name does.
  let rows = old.flatMap((f) => {
    const at = lake.columns.map((c) => f.columns.findIndex((x) => x.name === c.name));
    return f.rows.map((r) => at.map((i) => (i >= 0 ? r[i] : null)));
  });
  rows = rows.filter(() => lake.rand() >= 0.2);
  for (const r of rows) {
    if (lake.rand() < 0.3) {
      const i = randInt(lake.rand, 1, lake.columns.length - 1);
      r[i] = value(lake.columns[i].type, mode(lake), lake.rand);
    }
  }
  rows.push(...lake.newRows(randInt(lake.rand, 0, 40), mode(lake)));
  for (const f of old) lake.deleteFile(f);
  const cut = lake.rand() < 0.5 ? rows.length : randInt(lake.rand, 0, rows.length);
  await lake.addFile(p, rows.slice(0, cut));
  if (cut < rows.length) await lake.addFile(p, rows.slice(cut));
  return `rewrite ${p} (${old.length} files → ${rows.length} rows)`;
};

/** Same path, same ids and row count, other values: only size and mtime can tell. */
const overwriteFile: Op = async (lake) => {
  const f = someFile(lake);
  const m = mode(lake);
  const fresh = lake.newRows(f.rows.length, m, f.columns);
  await lake.write({ ...f, rows: f.rows.map((r, i) => [r[0], ...fresh[i].slice(1)]) });
  return `overwrite ${m} ${f.path.slice(lake.root.length + 1)}`;
};

const touchFile: Op = async (lake) => {
  const f = someFile(lake);
  lake.touch(f);
  return `touch ${f.path.slice(lake.root.length + 1)}`;
};

/** Schema evolution: only new files carry the column, older ones read NULL for it. */
const addColumn: Op = async (lake) => {
  const col = { name: addedColumnName(lake.rand, lake.columns.map((c) => c.name)), type: pick(lake.rand, ADDED_TYPES) };
  lake.columns = [...lake.columns, col];
  const targets = [...new Set([somePartition(lake), somePartition(lake)])];
  for (const p of targets) await lake.addFile(p, lake.newRows(randInt(lake.rand, 1, 60), mode(lake)));
  return `add column ${col.name} ${col.type} in new files of ${targets.join(', ')}`;
};

/** Drops a column everywhere: every file is rewritten in place without it. */
const dropColumn: Op = async (lake) => {
  const candidates = lake.columns.filter((c) => c.name !== 'id');
  if (candidates.length < 3) return null;
  const col = pick(lake.rand, candidates);
  lake.columns = lake.columns.filter((c) => c.name !== col.name);
  for (const f of [...lake.files.values()]) {
    const i = f.columns.findIndex((c) => c.name === col.name);
    if (i >= 0) await lake.write({ ...f, columns: f.columns.filter((_, j) => j !== i), rows: f.rows.map((r) => r.filter((_, j) => j !== i)) });
  }
  return `drop column ${col.name}`;
};

/** A writer upgrades a type (INTEGER → BIGINT, FLOAT → DOUBLE) in new files; old files keep the narrow one. */
const widenColumn: Op = async (lake) => {
  const i = lake.columns.findIndex((c) => c.type === 'INTEGER' || c.type === 'FLOAT');
  if (i < 0) return null;
  const col = lake.columns[i];
  lake.columns = lake.columns.map((c, j) => (j === i ? { ...c, type: c.type === 'INTEGER' ? 'BIGINT' : 'DOUBLE' } : c));
  const p = somePartition(lake);
  await lake.addFile(p, lake.newRows(randInt(lake.rand, 1, 60), mode(lake)));
  return `widen ${col.name} ${col.type} → ${lake.columns[i].type} in a new file of ${p}`;
};

/** One loader run touching several partitions at once (exercises max_partitions_per_run). */
const multiAppend: Op = async (lake) => {
  const all = lake.partitions();
  const ps = all.filter(() => lake.rand() < 0.6);
  for (const p of ps) await lake.addFile(p, lake.newRows(randInt(lake.rand, 1, 50), mode(lake)));
  return ps.length ? `append to ${ps.length} partitions` : 'append to no partition';
};

const noop: Op = async () => 'no change';

const WEIGHTED: Array<[Op, number]> = [
  [appendFile, 4], [addPartition, 2], [deletePartition, 2], [deleteFile, 1], [rewritePartition, 3], [overwriteFile, 2],
  [touchFile, 1], [addColumn, 1], [dropColumn, 1], [widenColumn, 1], [multiAppend, 2], [noop, 1],
];
const TOTAL = WEIGHTED.reduce((s, [, w]) => s + w, 0);

export async function randomChange(lake: Lake): Promise<string> {
  for (;;) {
    let r = lake.rand() * TOTAL;
    const op = WEIGHTED.find(([, w]) => (r -= w) < 0)![0];
    const done = await op(lake);
    if (done !== null) return done;
  }
}
