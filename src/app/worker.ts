import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { jobPayloads, QUEUE_NAMES, type JobName, type QueueName } from '../queue/payloads.js';
import type { JobHandlers } from '../../jobs/types.js';

export interface WorkerRuntime {
  workers: Worker[];
  close(): Promise<void>;
}

/** How many jobs of each queue one process runs at once. Heavy work runs one at a time. */
export interface WorkerConcurrency {
  control: number;
  checks: number;
  migrations: number;
}

/**
 * BullMQ workers for every queue, dispatching by job name to the thin handlers
 * in jobs/. A payload that does not parse fails at once (retrying will not fix it).
 */
export function createWorkers(deps: {
  connection: Redis;
  prefix: string;
  handlers: JobHandlers;
  logger: Logger;
  metrics?: Metrics;
  concurrency?: Partial<WorkerConcurrency>;
  queues?: readonly QueueName[];
  /**
   * Lock and stall detection, for every queue. Defaults suit production; a
   * test that kills a worker mid-job shortens them so another takes over in
   * seconds instead of a minute.
   */
  locks?: { lockDurationMs?: number; stalledIntervalMs?: number };
}): WorkerRuntime {
  const concurrency: WorkerConcurrency = { control: 4, checks: 2, migrations: 1, ...deps.concurrency };
  const workers = (deps.queues ?? QUEUE_NAMES).map((queueName) => {
    const worker = new Worker(queueName, (job) => processJob(job, deps), {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: concurrency[queueName],
      // Migration steps and load tests hold a job for minutes; BullMQ renews the
      // lock while the process lives, and a killed worker's job is taken over.
      lockDuration: deps.locks?.lockDurationMs ?? (queueName === 'control' ? 30_000 : 60_000),
      ...(deps.locks?.stalledIntervalMs ? { stalledInterval: deps.locks.stalledIntervalMs } : {}),
    });
    worker.on('failed', (job, err) => {
      deps.logger.warn({ err, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade }, 'job failed');
    });
    worker.on('error', (err) => deps.logger.error({ err, queue: queueName }, 'worker error'));
    return worker;
  });
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

async function processJob(job: Job, deps: { handlers: JobHandlers; logger: Logger; metrics?: Metrics }): Promise<unknown> {
  const name = job.name as JobName;
  const logger = deps.logger.child({ job: name, jobId: job.id, attempt: job.attemptsMade + 1 });
  const handler = deps.handlers[name] as ((payload: unknown, ctx: { job: Job; logger: Logger }) => Promise<unknown>) | undefined;
  const schema = jobPayloads[name];
  if (!handler || !schema) {
    logger.error('no handler for this job name; is this worker older than the web process?');
    throw new Error(`no handler for job ${job.name}`);
  }
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) {
    logger.error({ issues: parsed.error.issues }, 'job payload does not parse; discarding');
    throw new UnrecoverableError(`invalid payload for job ${job.name}`);
  }
  const stop = deps.metrics?.jobSeconds.startTimer({ job: name });
  try {
    const result = await handler(parsed.data, { job, logger });
    deps.metrics?.jobs.inc({ job: name, outcome: 'completed' });
    return result;
  } catch (err) {
    deps.metrics?.jobs.inc({ job: name, outcome: 'failed' });
    throw err;
  } finally {
    stop?.();
  }
}
