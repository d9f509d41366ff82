import type { Logger } from '../logger.js';

/**
 * SIGTERM / SIGINT: run the steps in order (stop taking work, finish or hand
 * back jobs, close Redis, close pg pools), then exit 0. A second signal, or a
 * step hanging past the deadline, exits 1 at once.
 */
export function onShutdown(logger: Logger, steps: Array<[name: string, fn: () => Promise<unknown>]>, deadlineMs = 30_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown took too long: exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    for (const [index, [name, fn]] of steps.entries()) {
      // `order`: the log lines of the last steps can reach a reader out of order (a full pipe at exit).
      try {
        await fn();
        logger.info({ step: name, order: index + 1 }, 'closed');
      } catch (err) {
        logger.warn({ err, step: name, order: index + 1 }, 'error while closing');
      }
    }
    logger.info('shutdown complete');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** Print a startup failure plainly (config, plan or roles file) and exit 1. */
export function exitOnStartupError(err: unknown, logger?: Logger): never {
  const message = err instanceof Error ? err.message : String(err);
  if (logger) logger.fatal({ err }, 'golive could not start');
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
