/**
 * The write-back of one table (DESIGN §2): table state, partition states, run row and events in ONE
 * transaction. Every value is encoded before the transaction opens, so bad input fails without taking the
 * write lock; anything the database rejects midway rolls the whole commit back.
 */
import type { Insertable, Kysely, Transaction } from 'kysely';
import { checkCount, checkTimestamp, eventToRow, patchToColumns, runToRow, toBool, toJson } from './codec.js';
import type { DB, MetricStatesTable, PartitionsTable, StateDialect, TableStateName } from './tables.js';
import type { EventRecord, TableCommit } from './types.js';

/** Rows per statement: far below SQLite's 32766 and Postgres' 65535 bind-parameter limits. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function encodePartitions(c: TableCommit, dialect: StateDialect) {
  const table = c.table.tableName;
  const partitions: Insertable<PartitionsTable>[] = [];
  const metrics: Insertable<MetricStatesTable>[] = [];
  for (const p of c.upsertPartitions ?? []) {
    const what = `partition ${JSON.stringify(p.partitionId)} of ${table}`;
    partitions.push({
      table_name: table,
      partition_id: p.partitionId,
      snapshot_json: toJson(p.snapshot, `${what} snapshot`),
      row_count: checkCount(p.rowCount, `${what} rowCount`),
      sampled: toBool(p.sampled, dialect),
      profiled_at: checkTimestamp(p.profiledAt, `${what} profiledAt`),
    });
    Object.entries(p.columns).forEach(([column, state], ordinal) => {
      metrics.push({
        table_name: table,
        partition_id: p.partitionId,
        column_name: column,
        ordinal,
        column_type: state.type,
        state_json: toJson(state, `${what} column ${JSON.stringify(column)} state`) as string,
      });
    });
  }
  return { partitions, metrics };
}

export async function insertEventRows(db: Kysely<DB> | Transaction<DB>, events: EventRecord[]): Promise<void> {
  const rows = events.map(eventToRow);
  for (const part of chunks(rows)) await db.insertInto('baselinr_events').values(part).execute();
}

export async function commitTable(
  db: Kysely<DB>,
  dialect: StateDialect,
  stateTable: TableStateName,
  c: TableCommit,
): Promise<void> {
  const table = c.table.tableName;
  if (typeof table !== 'string') throw new Error('commitTable: table.tableName is required');
  const columns = patchToColumns(c.table, dialect);
  const { partitions, metrics } = encodePartitions(c, dialect);
  const run = c.run ? runToRow(c.run) : undefined;
  const events = c.events ?? [];
  events.forEach(eventToRow); // validates now; rows are rebuilt inside the transaction

  await db.transaction().execute(async (trx) => {
    // Writes first, no reads: a SQLite transaction that read before writing could fail with BUSY_SNAPSHOT.
    await trx
      .insertInto(stateTable)
      .values({ table_name: table, ...columns } as never)
      .onConflict((oc) =>
        oc.column('table_name').doUpdateSet((eb) => {
          const set: Record<string, unknown> = {};
          for (const column of Object.keys(columns)) set[column] = eb.ref(`excluded.${column}` as never);
          return set as never;
        }),
      )
      .execute();

    // Metric states are deleted explicitly rather than relying on ON DELETE CASCADE: foreign keys can be
    // off on a connection someone else opened, and a partition's old columns must never outlive it.
    if (c.replaceAllPartitions) {
      await trx.deleteFrom('baselinr_metric_states').where('table_name', '=', table).execute();
      await trx.deleteFrom('baselinr_partitions').where('table_name', '=', table).execute();
    } else {
      const ids = [...(c.removePartitions ?? []), ...partitions.map((p) => p.partition_id)];
      for (const part of chunks(ids)) {
        await trx
          .deleteFrom('baselinr_metric_states')
          .where('table_name', '=', table)
          .where('partition_id', 'in', part)
          .execute();
        await trx
          .deleteFrom('baselinr_partitions')
          .where('table_name', '=', table)
          .where('partition_id', 'in', part)
          .execute();
      }
    }
    for (const part of chunks(partitions)) await trx.insertInto('baselinr_partitions').values(part).execute();
    for (const part of chunks(metrics)) await trx.insertInto('baselinr_metric_states').values(part).execute();

    if (run) {
      const { run_id: _id, ...rest } = run;
      await trx
        .insertInto('baselinr_runs')
        .values(run)
        .onConflict((oc) => oc.column('run_id').doUpdateSet(rest))
        .execute();
    }
    await insertEventRows(trx, events);
  });
}
