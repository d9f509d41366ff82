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

export const jobPayloads = {
  ping: pingPayload,
} as const;

export type JobName = keyof typeof jobPayloads;
export type JobPayload<N extends JobName> = z.infer<(typeof jobPayloads)[N]>;
export type ReplyTarget = z.infer<typeof replyTarget>;

/** Which queue each job runs on: heavy work is kept apart from quick replies. */
export const jobQueue: Record<JobName, QueueName> = {
  ping: 'control',
};

export const QUEUE_NAMES = ['control', 'checks', 'migrations'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export function parsePayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return jobPayloads[name].parse(data) as JobPayload<N>;
}
