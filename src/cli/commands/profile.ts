import type { Command } from 'commander';
import { runProfile } from '../../api/profile.js';
import { createEventBus } from '../../events/index.js';
import { Progress } from '../progress.js';
import { print, printJson, table } from '../render.js';
import { withContext, type GlobalOptions } from '../global.js';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_TABLE_FAILED, UsageError } from '../exit-codes.js';

export function register(program: Command, run: (fn: (g: GlobalOptions) => Promise<number>) => Promise<void>): void {
  program
    .command('profile')
    .description('plan, then profile what changed: one aggregate scan per table over the partitions to profile, merged with cached partition states')
    .option('--tables <patterns>', 'comma-separated table names, `*` globs allowed')
    .option('--full', 'ignore change detection: profile every selected table in full (reason "forced")')
    .option('--dry-run', 'print the plan and the SQL each table would run; scan and write nothing')
    .option('--concurrency <n>', 'tables profiled at once', '1')
    .action((o: { tables?: string; full?: boolean; dryRun?: boolean; concurrency: string }) =>
      run((g) => {
        const concurrency = Number(o.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, not "${o.concurrency}"`);
        return withContext(g, { readOnly: o.dryRun }, async (ctx) => {
          const controller = new AbortController();
          const onSignal = () => controller.abort();
          process.once('SIGINT', onSignal);
          process.once('SIGTERM', onSignal);
          const store = o.dryRun ? undefined : await ctx.store();
          const events = createEventBus({ hooks: o.dryRun ? [] : ctx.config.hooks, store, logger: ctx.logger, secrets: ctx.secrets });
          const progress = new Progress(process.stderr, Boolean(process.stderr.isTTY) && g.format !== 'json' && !o.dryRun);
          events.subscribe((e) => progress.handle(e));
          try {
            const result = await runProfile(ctx, {
              tables: o.tables ? [o.tables] : undefined, full: o.full, dryRun: o.dryRun, concurrency, events, signal: controller.signal,
              onPlanned: (n) => progress.planned(n),
            });
            progress.finish();
            await events.flush();
            if (g.format === 'json') printJson(result);
            else print(renderProfile(result.tables, result.summary, o.dryRun));
            if (controller.signal.aborted) return EXIT_INTERRUPTED;
            return result.tables.some((t) => t.status === 'failed') ? EXIT_TABLE_FAILED : EXIT_OK;
          } finally {
            progress.finish();
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
          }
        });
      }),
    );
}

function renderProfile(entries: Awaited<ReturnType<typeof runProfile>>['tables'], summary: Record<string, number>, dryRun?: boolean): string {
  const rows = entries.map((e) => [e.table, e.decision, e.reason, e.status, e.rows_scanned, e.partitions_profiled, e.duration_ms, e.error]);
  let out = table(['table', 'decision', 'reason', 'status', 'rows scanned', 'partitions', 'ms', 'error'], rows);
  if (dryRun) out += entries.filter((e) => e.sql).map((e) => `\n\n-- ${e.table} (${e.decision}/${e.reason})\n${e.sql}`).join('');
  return `${out}\n\n${Object.entries(summary).map(([k, v]) => `${k}: ${v}`).join('  ')}`;
}
