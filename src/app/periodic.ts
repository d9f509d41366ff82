import type { Logger } from '../logger.js';

/**
 * A pass a worker runs at start and then every `intervalMs` (recovering lost
 * flows, noticing ended fix windows). A timer, not a BullMQ job scheduler:
 * these passes must work when Redis has lost everything, schedulers
 * included, and they read the state DB, so every worker may run them (what
 * they change is claimed there once). Passes never overlap; a pass that
 * fails (Redis or the state DB down) waits for the next tick.
 */
export function startPeriodic(name: string, options: { intervalMs: number; logger: Logger }, pass: () => Promise<void>): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = (): void => {
    current = pass()
      .catch((err: unknown) => options.logger.warn({ err, pass: name }, `${name} pass failed; next pass in a while`))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(tick, options.intervalMs);
        timer.unref();
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
