import type { Job } from 'bullmq';
import type { Clock } from '../clock.js';

/**
 * The scheduled time of a tick. BullMQ names a scheduler's job
 * `repeat:<scheduler id>:<fire time in ms>`: the time it was due, however
 * late a worker gets to it, so a tick processed late (or twice) still lands
 * on its own slot. A job queued by hand (a catch-up) has no such id: now.
 */
export function fireTimeOf(job: Pick<Job, 'id'>, clock: Clock): Date {
  const match = /^repeat:.+:(\d+)$/.exec(job.id ?? '');
  return match ? new Date(Number(match[1])) : clock.now();
}

/** The scheduler id of a scheduler's job (`repeat:<id>:<ms>`). */
export function schedulerIdOf(job: Pick<Job, 'id'>): string | undefined {
  return /^repeat:(.+):\d+$/.exec(job.id ?? '')?.[1];
}
