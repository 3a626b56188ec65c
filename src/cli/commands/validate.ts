import type { Command } from 'commander';
import { redactConfig } from '../../config/index.js';
import { createContext } from '../../api/context.js';
import { print, printJson } from '../render.js';
import { configPath, loadFromOptions, type GlobalOptions } from '../global.js';

export function register(program: Command, run: (fn: (g: GlobalOptions) => Promise<number>) => Promise<void>): void {
  program
    .command('validate')
    .description('load and check the config (exit 2 naming the key and line on error); connects to nothing unless --connect')
    .option('--connect', 'also open the source and list its tables (metadata only)')
    .action((o: { connect?: boolean }) =>
      run(async (g) => {
        const config = loadFromOptions(g);
        let tables: string[] | undefined;
        if (o.connect) {
          const ctx = createContext(config, { logLevel: g.logLevel, readOnly: true });
          try {
            const source = await ctx.source();
            tables = (await source.listTables(config.profiling.tables)).map((t) => t.name);
          } finally {
            await ctx.close();
          }
        }
        if (g.format === 'json') printJson({ valid: true, config: configPath(g), tables, resolved: redactConfig(config) });
        else print(`${configPath(g)}: valid (${config.profiling.tables.length} configured tables, source ${config.source.type})${tables ? `\nsource tables: ${tables.join(', ')}` : ''}`);
        return 0;
      }),
    );
}
