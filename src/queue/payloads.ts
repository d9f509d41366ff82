import { z } from 'zod';

/**
 * Job payloads, shared by the code that enqueues and the code that processes.
 * New fields must be optional: jobs queued by the previous release must still
 * parse after a deploy.
 */

/** Where a job's answer goes: the channel, and the command's response_url for ephemeral replies. */
export const replyTarget = z.object({
  channelId: z.string().min(1),
  userId: z.string().min(1),
  responseUrl: z.string().url().optional(),
});

export const pingPayload = z.object({
  target: replyTarget,
  enqueuedAt: z.number().int(),
});

/** One execution of a run's checks: one check, or several of a shared type with identical params. */
export const checkPayload = z.object({
  runId: z.number().int().positive(),
  checkIds: z.array(z.string().min(1)).min(1),
});

/** The flow's parent: runs once every check job of the run has finished. */
export const finalizeRunPayload = z.object({ runId: z.number().int().positive() });

/** Redraw a run card from the state DB (throttled by deduplication). */
export const refreshRunCardPayload = z.object({ runId: z.number().int().positive() });

/** `/golive cp2 migrate`: back up the environment, then run the plan's migration files. */
export const migrateStagingPayload = z.object({
  planId: z.string().min(1),
  checkpointId: z.string().min(1),
  environment: z.string().min(1),
  target: replyTarget,
  requestKey: z.string().min(1),
});

/** `/golive baseline capture ENV [replace]`: time the plan's named queries and store them as the "before". */
export const baselineCapturePayload = z.object({
  planId: z.string().min(1),
  environment: z.string().min(1),
  replace: z.boolean(),
  target: replyTarget,
  requestKey: z.string().min(1),
});

export const jobPayloads = {
  ping: pingPayload,
  check: checkPayload,
  'finalize-run': finalizeRunPayload,
  'refresh-run-card': refreshRunCardPayload,
  'migrate-staging': migrateStagingPayload,
  'baseline-capture': baselineCapturePayload,
} as const;

export type JobName = keyof typeof jobPayloads;
export type JobPayload<N extends JobName> = z.infer<(typeof jobPayloads)[N]>;
export type ReplyTarget = z.infer<typeof replyTarget>;

/** Which queue each job runs on: heavy work is kept apart from quick replies. */
export const jobQueue: Record<JobName, QueueName> = {
  ping: 'control',
  check: 'checks',
  'finalize-run': 'control',
  'refresh-run-card': 'control',
  'migrate-staging': 'migrations',
  'baseline-capture': 'checks',
};

export const QUEUE_NAMES = ['control', 'checks', 'migrations'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export function parsePayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return jobPayloads[name].parse(data) as JobPayload<N>;
}
