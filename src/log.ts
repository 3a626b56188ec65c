/** pino to stderr; stdout is reserved for results. Secret values are scrubbed from every message. */
import { pino, type Logger } from 'pino';
import { scrub } from './config/errors.js';

export type { Logger };

export function createLogger(level: string, secrets: readonly string[] = []): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['password', '*.password', 'token', '*.token', 'headers', '*.headers', 'url', '*.url'], censor: '***' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a, secrets) : a)) as Parameters<typeof method>);
        },
      },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
