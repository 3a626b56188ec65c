import type { Command } from 'commander';
import { listState, showProfile } from '../../api/show.js';
import { print, printJson, table } from '../render.js';
import { withContext, type GlobalOptions } from '../global.js';

export function register(program: Command, run: (fn: (g: GlobalOptions) => Promise<number>) => Promise<void>): void {
  program
    .command('show')
    .description('print the current merged profile of TABLE from the state store (no warehouse access)')
    .argument('<table>', 'schema.table, or a Parquet dataset\'s name')
    .action((name: string) =>
      run((g) =>
        withContext(g, { readOnly: true }, async (ctx) => {
          const p = await showProfile(ctx, name);
          if (g.format === 'json') printJson(p);
          else {
            const metrics = ['count', 'null_count', 'null_ratio', 'distinct_count', 'min', 'max', 'mean', 'stddev', 'avg_length'] as const;
            const rows = Object.entries(p.columns).map(([col, m]) => [col, m.type, ...metrics.map((k) => (m as unknown as Record<string, unknown>)[k])]);
            print(`${p.table}: ${p.row_count} rows, ${p.partitions} partitions, profiled at ${p.profiled_at}${p.sampled ? ` (sampled ${p.sample_fraction})` : ''}\n`);
            print(table(['column', 'type', ...metrics], rows));
          }
          return 0;
        }),
      ),
    );
  program
    .command('state')
    .description('one row per table: last decision and reason, snapshot id, last profiled at, next due at')
    .action(() =>
      run((g) =>
        withContext(g, { readOnly: true }, async (ctx) => {
          const s = await listState(ctx);
          if (g.format === 'json') printJson(s);
          else print(table(['table', 'decision', 'reason', 'status', 'snapshot', 'last profiled', 'next due', 'interval min'],
            s.tables.map((t) => [t.table, t.last_decision, t.last_reason, t.last_status, t.snapshot_id?.slice(0, 12), t.last_profiled_at, t.next_due_at, t.interval_minutes])));
          return 0;
        }),
      ),
    );
}
