import { boot } from './boot.js';
import { onShutdown } from '../app/shutdown.js';
import { startWorkers } from '../app/processes.js';
import { startMetricsServer } from '../observability/metrics-server.js';

const { config, logger, core, slack } = await boot('worker');
if (config.slack.mode === 'local') {
  logger.info('local mode: no SLACK_BOT_TOKEN is set; the worker posts to the web process’s Slack emulator');
}
const workers = startWorkers(core, slack);
// The worker's jobs and process figures, for Prometheus to scrape (GOLIVE_WORKER_METRICS_PORT; 0 = off).
const metricsServer = config.workerMetricsPort ? await startMetricsServer({ registry: core.metrics.registry, port: config.workerMetricsPort, logger }) : undefined;
logger.info({ prefix: config.queuePrefix }, 'worker started');
onShutdown(logger, [
  ['workers', () => workers.close()],
  ['metrics endpoint', async () => metricsServer?.close()],
  ['worker redis', async () => workers.connectionClose()],
  ['state and queues', () => core.close()],
]);
