import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * golive's own Prometheus series. One registry per process, passed in (no
 * global default registry), so tests can build as many apps as they like.
 */
export function createMetrics(options: { process: 'web' | 'worker' | 'local'; defaultMetrics?: boolean } = { process: 'web' }) {
  const registry = new Registry();
  registry.setDefaultLabels({ golive_process: options.process });
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return {
    registry,
    commands: new Counter({
      name: 'golive_commands_total',
      help: 'Slash commands received, by handler and outcome',
      labelNames: ['command', 'outcome'] as const,
      registers: [registry],
    }),
    ackSeconds: new Histogram({
      name: 'golive_command_ack_seconds',
      help: 'Time from receiving a slash command to acking it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
      registers: [registry],
    }),
    interactions: new Counter({
      name: 'golive_interactions_total',
      help: 'Button clicks and modal submissions, by action and outcome',
      labelNames: ['action', 'outcome'] as const,
      registers: [registry],
    }),
    jobs: new Counter({
      name: 'golive_jobs_total',
      help: 'Jobs processed, by job name and outcome',
      labelNames: ['job', 'outcome'] as const,
      registers: [registry],
    }),
    runRecoveries: new Counter({
      name: 'golive_run_recoveries_total',
      help: 'Runs whose BullMQ flow Redis lost, found by the recovery pass: requeued, finalize retried, or skipped',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
    jobSeconds: new Histogram({
      name: 'golive_job_duration_seconds',
      help: 'Job processing time',
      labelNames: ['job'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
