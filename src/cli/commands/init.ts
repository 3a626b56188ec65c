import type { Command } from 'commander';
import { initProject } from '../../api/init.js';
import { print, printJson } from '../render.js';
import type { GlobalOptions } from '../global.js';

export function register(program: Command, run: (fn: (g: GlobalOptions) => Promise<number>) => Promise<void>): void {
  program
    .command('init')
    .description('write a commented starter baselinr.yml into DIR; --demo also builds a local DuckDB + Parquet warehouse to try it on')
    .argument('[dir]', 'project folder', '.')
    .option('--demo', 'create demo data (DuckDB tables and a Hive-partitioned Parquet dataset) and a config pointing at it')
    .option('--force', 'overwrite an existing baselinr.yml')
    .action((dir: string, o: { demo?: boolean; force?: boolean }) =>
      run(async (g) => {
        const res = await initProject(dir, o);
        if (g.format === 'json') printJson(res);
        else {
          print(`wrote ${res.config}`);
          if (o.demo) print(`demo warehouse: ${res.created.slice(1).join(', ')}\nnext: baselinr -c ${res.config} profile`);
        }
        return 0;
      }),
    );
}
