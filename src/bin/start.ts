import { boot } from './boot.js';
import { onShutdown } from '../app/shutdown.js';
import { startWebApp, startWorkers } from '../app/processes.js';
import { localEmulatorRoutes } from '../app/local.js';

/**
 * `npm start`: web plus a worker in one process. Without a Slack token this is
 * local mode: the web process also serves the Slack emulator.
 */
const { config, logger, core, slack } = await boot('local');
const localBase = `http://127.0.0.1:${config.port}`;
const local = config.slack.mode === 'local';
const web = startWebApp(core, slack, local ? localEmulatorRoutes(slack, localBase, core) : []);
await web.start(config.port);
const workers = startWorkers(core, slack);
if (local) {
  logger.info('local mode: no SLACK_BOT_TOKEN is set, so golive talks to its built-in Slack emulator instead of Slack');
  process.stdout.write(`\ngolive is running in local mode: open http://localhost:${config.port}/\n\n`);
} else {
  logger.info({ port: config.port, mode: config.slack.mode }, 'web and worker running');
}
onShutdown(logger, [
  ['http', () => web.stop()],
  ['workers', () => workers.close()],
  ['worker redis', async () => workers.connectionClose()],
  ['state and queues', () => core.close()],
]);
