import { boot } from './boot.js';
import { onShutdown } from '../app/shutdown.js';
import { startWorkers } from '../app/processes.js';

const { config, logger, core, slack } = await boot('worker');
if (config.slack.mode === 'local') {
  logger.info('local mode: no SLACK_BOT_TOKEN is set; the worker posts to the web process’s Slack emulator');
}
const workers = startWorkers(core, slack);
logger.info({ prefix: config.queuePrefix }, 'worker started');
onShutdown(logger, [
  ['workers', () => workers.close()],
  ['worker redis', async () => workers.connectionClose()],
  ['state and queues', () => core.close()],
]);
