import { boot } from './boot.js';
import { onShutdown, exitOnStartupError } from '../app/shutdown.js';
import { startWebApp, startWorkers } from '../app/processes.js';
import { localEmulatorRoutes } from '../app/local.js';
import { ensureDemoEnvironments, preflight } from '../app/local-setup.js';
import { loadConfig } from '../config.js';

/**
 * `npm start`: web plus a worker in one process. Without a Slack token this is
 * local mode: prerequisites are checked, the demo environments are built when
 * missing, and the web process also serves the Slack emulator.
 */
const progress = (line: string) => process.stdout.write(`golive: ${line}\n`);
try {
  const config = loadConfig();
  if (config.slack.mode === 'local') {
    progress('local mode (no SLACK_BOT_TOKEN): checking PostgreSQL, PostGIS and Redis');
    await preflight(config);
    await ensureDemoEnvironments(config, progress);
    progress('state database: migrating');
  }
} catch (err) {
  exitOnStartupError(err);
}

const { config, logger, core, slack } = await boot('local');
const localBase = `http://127.0.0.1:${config.port}`;
const local = config.slack.mode === 'local';
const web = startWebApp(core, slack, local ? localEmulatorRoutes(slack, localBase, core) : []);
await web.start(config.port);
const workers = startWorkers(core, slack);
if (local) {
  logger.info('local mode: no SLACK_BOT_TOKEN is set, so golive talks to its built-in Slack emulator instead of Slack');
  progress(`ready: open http://localhost:${config.port}/ and type /golive help`);
} else {
  logger.info({ port: config.port, mode: config.slack.mode }, 'web and worker running');
}
onShutdown(logger, [
  ['http', () => web.stop()],
  ['workers', () => workers.close()],
  ['worker redis', async () => workers.connectionClose()],
  ['state and queues', () => core.close()],
]);
