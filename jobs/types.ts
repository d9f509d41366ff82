import type { Job } from 'bullmq';
import type { Logger } from '../src/logger.js';
import type { JobName, JobPayload } from '../src/queue/payloads.js';

export interface JobContext {
  job: Job;
  logger: Logger;
}

/** A job file exports a factory that returns one of these; the payload is already parsed. */
export type JobHandler<N extends JobName> = (payload: JobPayload<N>, context: JobContext) => Promise<unknown>;

export type JobHandlers = { [N in JobName]?: JobHandler<N> };
