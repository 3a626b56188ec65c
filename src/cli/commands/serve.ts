import { resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '../../log.js';
import { secretValues } from '../../config/index.js';
import { startServer } from '../../server/index.js';
import { printJson } from '../render.js';
import { loadFromOptions, type GlobalOptions } from '../global.js';
import { EXIT_INTERRUPTED, EXIT_OK, UsageError } from '../exit-codes.js';

export function register(program: Command, run: (fn: (g: GlobalOptions) => Promise<number>) => Promise<void>): void {
  program
    .command('serve')
    .description('HTTP API for orchestrator sensors (GET /plan, POST /profile, GET /state, GET /tables/:name/profile, GET /healthz) and a dashboard at /')
    .option('--host <host>', 'address to bind (loopback by default: expose it deliberately, with a token)', '127.0.0.1')
    .option('--port <port>', 'port to listen on; 0 picks a free one (the URL is printed on stderr, and on stdout with --format json)', '8787')
    .option('--token <token>', 'require "Authorization: Bearer TOKEN" on the data endpoints (prefer env BASELINR_SERVE_TOKEN: arguments show up in ps)')
    .action((o: { host: string; port: string; token?: string }) =>
      run(async (g) => {
        const port = Number(o.port);
        if (!/^\d+$/.test(o.port) || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, not "${o.port}"`);
        const token = o.token ?? (process.env.BASELINR_SERVE_TOKEN || undefined);
        if (token !== undefined && token.trim() === '') throw new UsageError('--token must not be empty');
        const config = loadFromOptions(g);
        // The token is a secret like the config's: never echoed in a log line.
        const logger = createLogger(g.logLevel, [...secretValues(config), ...(token ? [token] : [])]);
        const server = await startServer({
          config, host: o.host, port, token, logger, queryLogFile: g.queryLog ? resolvePath(g.queryLog) : undefined,
        });
        process.stderr.write(`baselinr serve listening on ${server.url}${token ? ' (bearer token required)' : ''}\n`);
        if (g.format === 'json') printJson({ url: server.url });
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          // Both listeners go on the first signal, so a second Ctrl-C during a slow shutdown kills at once.
          const stop = (sig: NodeJS.Signals) => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve(sig);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        process.stderr.write(`baselinr serve: ${signal}, shutting down\n`);
        const { interruptedRun } = await server.close();
        return interruptedRun ? EXIT_INTERRUPTED : EXIT_OK;
      }),
    );
}
