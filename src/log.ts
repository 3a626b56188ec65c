/** pino to stderr; stdout is reserved for results. Secret values are scrubbed from every message. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, secrets: readonly string[] = []): Logger {
  const scrub = (s: string) => secrets.reduce((acc, v) => (v ? acc.split(v).join('***') : acc), s);
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['password', '*.password', 'token', '*.token', 'headers', '*.headers', 'url', '*.url'], censor: '***' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
