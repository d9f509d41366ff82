import { pino, type Logger } from 'pino';
import { redactText } from './redact.js';

export type { Logger };

/**
 * One pino logger per process, passed down; requests and jobs take child
 * loggers. Known secret fields are censored by path, and every string message
 * is scrubbed of URLs with credentials and Slack tokens.
 */
export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'golive',
      level: options.level ?? 'info',
      redact: {
        paths: [
          '*.token',
          '*.botToken',
          '*.appToken',
          '*.signingSecret',
          '*.password',
          'config.databaseUrl',
          'config.redisUrl',
          'headers.authorization',
          'req.headers.authorization',
        ],
        censor: '***',
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
      formatters: {
        log(object) {
          // Error messages from pg can echo a connection string.
          const err = (object as { err?: unknown }).err;
          if (err instanceof Error) {
            return { ...object, err: { type: err.name, message: redactText(err.message), code: (err as { code?: string }).code, stack: redactText(err.stack ?? '') } };
          }
          return object;
        },
      },
    },
    options.destination,
  );
}

/** For tests: a logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
