import { systemClock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { createCore, type Core } from '../app/core.js';
import { exitOnStartupError } from '../app/shutdown.js';
import { slackSettings } from '../app/processes.js';
import type { WebSlackSettings } from '../app/web.js';

/**
 * Shared start-up of every entry point: parse the configuration (a bad value
 * exits 1 with every problem listed), then build the core. A bad plan or roles
 * file exits 1 with the file, the path in it and the problem.
 */
export async function boot(processName: 'web' | 'worker' | 'local'): Promise<{ config: Config; logger: Logger; core: Core; slack: WebSlackSettings }> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    exitOnStartupError(err);
  }
  const logger = createLogger({ level: config.logLevel, name: `golive-${processName}` });
  try {
    // In local mode the Web API is the emulator served by the web process.
    const slack = slackSettings(config, `http://127.0.0.1:${config.port}`);
    const core = await createCore({ config, logger, clock: systemClock, metrics: createMetrics({ process: processName }), slack });
    return { config, logger, core, slack };
  } catch (err) {
    exitOnStartupError(err, logger);
  }
}
