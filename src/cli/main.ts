/** The `baselinr` program: parse → api → render. Returns the exit code instead of calling process.exit. */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../config/index.js';
import { InitError } from '../api/init.js';
import { NotFoundError } from '../api/show.js';
import { EXIT_TABLE_FAILED, EXIT_USAGE, UsageError } from './exit-codes.js';
import { parseFormat, type GlobalOptions } from './global.js';
import * as init from './commands/init.js';
import * as validate from './commands/validate.js';
import * as plan from './commands/plan.js';
import * as profile from './commands/profile.js';
import * as show from './commands/show.js';
import * as serve from './commands/serve.js';

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('baselinr')
    .description('Incremental data profiling for SQL warehouses: profile only what changed, merge exact metric states.')
    .option('-c, --config <file>', 'config file (default: $BASELINR_CONFIG or ./baselinr.yml)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(new Option('--log-level <level>', 'log level on stderr').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('warn'))
    .option('--query-log <file>', 'append every warehouse statement (SQL, kind data|metadata, duration, rows) to FILE as JSON lines')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');

  const run = async (fn: (g: GlobalOptions) => Promise<number>) => {
    const raw = program.opts<{ config?: string; format: string; logLevel: string; queryLog?: string }>();
    const g: GlobalOptions = { config: raw.config, format: parseFormat(raw.format), logLevel: raw.logLevel, queryLog: raw.queryLog };
    code = await fn(g);
  };
  for (const cmd of [init, validate, plan, profile, show, serve]) cmd.register(program, run);
  for (const sub of program.commands) sub.exitOverride();

  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version are "errors" to commander but successes to the user.
    return err.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ConfigError || err instanceof UsageError || err instanceof InitError) {
    process.stderr.write(`error: ${message}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof NotFoundError) {
    process.stderr.write(`error: ${message}\n`);
    return EXIT_TABLE_FAILED;
  }
  process.stderr.write(`error: ${message}\n`);
  return EXIT_TABLE_FAILED;
}
