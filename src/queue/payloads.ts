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

/** The cutover (cp3 start / rehearse / rollback, and a DBA's resume or rollback after an interruption). */
export const cutoverRunPayload = z.object({
  cutoverId: z.number().int().positive(),
  mode: z.enum(['start', 'resume', 'rollback']),
  fromStep: z.string().optional(),
  requestKey: z.string().min(1),
});

/** A slot of the pre-cutover timeline, or every slot at once (`/golive cp3 run`). */
export const cutoverPrecheckPayload = z.object({
  planId: z.string().min(1),
  shiftMs: z.number().int(),
  slotIndex: z.number().int().nonnegative().optional(),
  userId: z.string().optional(),
  channelId: z.string().optional(),
  requestKey: z.string().optional(),
});

/** Look for cutovers a dead worker left running. */
export const cutoverRecoverPayload = z.object({ reason: z.string().optional() });

/** One tick of a stability window (probes every few seconds, metrics every minute); the tick's time comes from the job id. */
export const stabilityTickPayload = z.object({
  planId: z.string().min(1),
  checkpointId: z.string().min(1),
  environment: z.string().min(1),
  windowId: z.string().min(1),
});

/** The window's end: a run of its checkpoint, started by golive. */
export const evaluateWindowPayload = stabilityTickPayload.extend({
  scheduleId: z.string().min(1),
  /** The evaluation time this job was queued for (a moved window makes it stale). */
  at: z.string().min(1),
});

/** The daily briefing: a scheduler tick (the day from its time), a catch-up (day given), or `/golive briefing` (now). */
export const briefingPayload = z.object({
  planId: z.string().min(1),
  checkpointId: z.string().min(1).optional(),
  day: z.string().min(1).optional(),
  now: z.object({ target: replyTarget, requestKey: z.string().min(1) }).optional(),
});

/** Post (or update) an incident in the channel after it was recorded or resolved. */
export const incidentAnnouncePayload = z.object({
  planId: z.string().min(1),
  incidentId: z.number().int().positive(),
  event: z.enum(['opened', 'resolved']),
  channelId: z.string().min(1).optional(),
});

/** `/golive cpN report`: build the checkpoint's documents from a run's stored evidence and upload them. */
export const reportPayload = z.object({
  planId: z.string().min(1),
  checkpointId: z.string().min(1),
  runId: z.number().int().positive(),
  target: replyTarget,
  requestKey: z.string().min(1),
  /** When the command was given: the documents state it, so a re-delivered job builds the same bytes. */
  requestedAt: z.string().min(1),
});

export const jobPayloads = {
  ping: pingPayload,
  check: checkPayload,
  'finalize-run': finalizeRunPayload,
  'refresh-run-card': refreshRunCardPayload,
  'migrate-staging': migrateStagingPayload,
  'baseline-capture': baselineCapturePayload,
  'sample-probe': stabilityTickPayload,
  'sample-metrics': stabilityTickPayload,
  'evaluate-window': evaluateWindowPayload,
  briefing: briefingPayload,
  'incident-announce': incidentAnnouncePayload,
  'cutover-run': cutoverRunPayload,
  'cutover-precheck': cutoverPrecheckPayload,
  'cutover-recover': cutoverRecoverPayload,
  report: reportPayload,
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
  // Probes must not wait behind a load test on the checks queue: a late probe is a missing one.
  'sample-probe': 'control',
  'sample-metrics': 'control',
  'evaluate-window': 'control',
  briefing: 'control',
  'incident-announce': 'control',
  'cutover-run': 'migrations',
  'cutover-precheck': 'checks',
  'cutover-recover': 'control',
  // Reads the state DB and renders two charts: quick, and never behind a load test.
  report: 'control',
};

export const QUEUE_NAMES = ['control', 'checks', 'migrations'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export function parsePayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return jobPayloads[name].parse(data) as JobPayload<N>;
}
