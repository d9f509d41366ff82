import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobPayloads, jobQueue, QUEUE_NAMES, type JobName, type JobPayload, type QueueName } from './payloads.js';

/** Retries with backoff for transient errors; results stay a while for inspection. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface Queues {
  prefix: string;
  get(name: QueueName): Queue;
  /**
   * Validate and enqueue. `jobId` makes duplicate deliveries harmless: BullMQ
   * ignores a second job with the same id while the first exists. Ids may not
   * contain ':' nor be plain integers.
   */
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: { jobId: string } & JobsOptions): Promise<void>;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string): Queues {
  const queues = new Map<QueueName, Queue>(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS })]),
  );
  return {
    prefix,
    get(name) {
      return queues.get(name)!;
    },
    async enqueue(name, payload, options) {
      const data = jobPayloads[name].parse(payload);
      await queues.get(jobQueue[name])!.add(name, data, { ...options, jobId: safeJobId(options.jobId) });
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

export function safeJobId(id: string): string {
  const cleaned = id.replace(/:/g, '_');
  return /^\d+$/.test(cleaned) ? `j${cleaned}` : cleaned;
}
