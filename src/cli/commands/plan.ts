import type { Command } from 'commander';
import { computePlan, type PlanEntry } from '../../api/plan.js';
import { print, printJson, table } from '../render.js';
import { withContext, type GlobalOptions } from '../global.js';

export function register(program: Command, run: (fn: (g: GlobalOptions) => Promise<number>) => Promise<void>): void {
  program
    .command('plan')
    .description('read-only: detect changes from metadata and print each table\'s decision and reason (scans no table data, writes nothing)')
    .option('--tables <patterns>', 'comma-separated table names, `*` globs allowed (e.g. "main.*,orders")')
    .option('--full', 'plan as `profile --full` would (every table full/forced)')
    .action((o: { tables?: string; full?: boolean }) =>
      run((g) =>
        withContext(g, { readOnly: true }, async (ctx) => {
          const { result } = await computePlan(ctx, { tables: o.tables ? [o.tables] : undefined, full: o.full });
          if (g.format === 'json') printJson(result);
          else print(renderPlan(result.tables, result.summary));
          return 0;
        }),
      ),
    );
}

export function renderPlan(entries: PlanEntry[], summary: Record<string, number>): string {
  const rows = entries.map((e) => [e.table, e.decision, e.reason, e.changed_partitions, e.estimated_rows, e.last_profiled_at, e.next_due_at]);
  const head = table(['table', 'decision', 'reason', 'changed partitions', 'est. rows', 'last profiled', 'next due'], rows);
  return `${head}\n\n${Object.entries(summary).map(([k, v]) => `${k}: ${v}`).join('  ')}`;
}
