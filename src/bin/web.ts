import { boot } from './boot.js';
import { onShutdown } from '../app/shutdown.js';
import { startWebApp } from '../app/processes.js';
import { localEmulatorRoutes } from '../app/local.js';

const { config, logger, core, slack } = await boot('web');
const localBase = `http://127.0.0.1:${config.port}`;
const extraRoutes = config.slack.mode === 'local' ? localEmulatorRoutes(slack, localBase, core) : [];
if (config.slack.mode === 'local') {
  logger.info('local mode: no SLACK_BOT_TOKEN is set, so golive talks to its built-in Slack emulator instead of Slack');
}
const web = startWebApp(core, slack, extraRoutes);
await web.start(config.port);
logger.info({ port: config.port, mode: config.slack.mode }, 'web listening');
onShutdown(logger, [
  ['http', () => web.stop()],
  ['state and queues', () => core.close()],
]);
