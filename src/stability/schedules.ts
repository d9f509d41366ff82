import type { Queue } from 'bullmq';
import { BRIEFING_JOB, briefingSchedulesOf } from '../briefing/schedule.js';
import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { parseDuration } from '../plan/duration.js';
import type { PlanRegistry } from '../plan-registry.js';
import type { Plan } from '../plan/schema.js';
import type { MomentContext } from '../plan/time.js';
import { jobQueue, type JobName } from '../queue/payloads.js';
import { safeJobId, type Queues } from '../queue/queues.js';
import type { Store } from '../store/index.js';
import type { ScheduleInput, ScheduleRecord } from '../store/schedules.js';
import { briefingDaysOf, stabilityWindowsOf } from './windows.js';

/**
 * The schedules of the stability feature, kept in the state DB and
 * re-created in BullMQ each time a worker starts (DESIGN.md: "On start a
 * worker re-creates the job schedulers it needs from the state DB, so losing
 * Redis loses no schedule"):
 *
 *   sample-probe     every `sampling.every` through each stability window
 *   sample-metrics   every minute (30 s in a relative plan) through it
 *   evaluate-window  once, at the window's decide_at (a run of its checkpoint)
 *   briefing         a cron per listed time of day, in the plan's time zone
 *
 * Rows are derived from the plans, written to `stability_schedules`, and
 * BullMQ is made to match the rows: upsertJobScheduler is idempotent (two
 * workers starting together create one scheduler), a schedule past its end
 * is removed, a one-off job that already ran is not queued again.
 */

export const PROBE_JOB = 'sample-probe';
export const METRICS_JOB = 'sample-metrics';
export const EVALUATE_JOB = 'evaluate-window';

/** How late after its decision time a window is still evaluated by golive on a worker's start. */
export const EVALUATE_GRACE_MS = 24 * 3600_000;

/** Kept small in Redis: a probe every 5 s is 17,280 jobs a day. */
const TICK_OPTIONS = { attempts: 2, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: { count: 200 }, removeOnFail: { count: 500 } } as const;

export function schedulesOf(plan: Plan, moments: MomentContext): ScheduleInput[] {
  const rows: ScheduleInput[] = [];
  for (const w of stabilityWindowsOf(plan, moments)) {
    const data = { planId: plan.id, checkpointId: w.checkpointId, environment: w.environment, windowId: w.id };
    const base = { planId: plan.id, checkpointId: w.checkpointId, environment: w.environment, pattern: null, tz: null };
    rows.push({ ...base, id: `stab-probe-${w.key}`, jobName: PROBE_JOB, everyMs: w.probeEveryMs, startsAt: w.start, endsAt: w.end, data });
    rows.push({ ...base, id: `stab-metrics-${w.key}`, jobName: METRICS_JOB, everyMs: w.metricsEveryMs, startsAt: w.start, endsAt: w.end, data });
    if (w.evaluateAt) {
      const id = `stab-evaluate-${w.key}`;
      rows.push({ ...base, id, jobName: EVALUATE_JOB, everyMs: null, startsAt: null, endsAt: w.evaluateAt, data: { ...data, scheduleId: id, at: w.evaluateAt.toISOString() } });
    }
  }
  rows.push(...briefingSchedulesOf(plan, moments));
  return rows;
}

export interface RestoreDeps {
  plans: PlanRegistry;
  store: Pick<Store, 'schedules' | 'briefings'>;
  queues: Pick<Queues, 'get'>;
  clock: Clock;
  logger: Logger;
}

export interface RestoreReport {
  schedulers: string[];
  removed: string[];
  oneOff: string[];
  catchUp: string[];
}

/** Sync the rows with the plans, then make BullMQ match them. Never throws: a worker starts regardless. */
export async function restoreSchedules(deps: RestoreDeps): Promise<RestoreReport> {
  const report: RestoreReport = { schedulers: [], removed: [], oneOff: [], catchUp: [] };
  try {
    const plans = deps.plans.list();
    for (const plan of plans) await deps.store.schedules.syncPlan(plan.id, schedulesOf(plan, deps.plans.momentContext(plan.id)));
    const rows = await deps.store.schedules.forPlans(plans.map((p) => p.id));
    const now = deps.clock.now();
    for (const row of rows) {
      try {
        await applyRow(deps, row, now, report);
      } catch (err) {
        deps.logger.error({ err, schedule: row.id }, `could not re-create schedule ${row.id}: ${describeError(err)}`);
      }
    }
    for (const plan of plans) await catchUpBriefings(deps, plan, now, report);
    if (report.schedulers.length || report.oneOff.length || report.catchUp.length) deps.logger.info(report, 'stability schedules re-created');
  } catch (err) {
    deps.logger.error({ err }, `could not re-create the stability schedules: ${describeError(err)}`);
  }
  return report;
}

function queueOf(deps: RestoreDeps, jobName: string): Queue {
  return deps.queues.get(jobQueue[jobName as JobName] ?? 'control');
}

async function applyRow(deps: RestoreDeps, row: ScheduleRecord, now: Date, report: RestoreReport): Promise<void> {
  const queue = queueOf(deps, row.jobName);
  if (row.jobName === EVALUATE_JOB) {
    if (row.doneAt) return;
    // A worker back within a day of the decision time still evaluates; a window long over is left to people.
    if (now.getTime() - row.endsAt.getTime() > EVALUATE_GRACE_MS) return;
    // The time is part of the id: a window moved (demo:reset) gets a new job; the old one finds its row changed and stops.
    await queue.add(row.jobName, row.data, {
      jobId: safeJobId(`${row.id}-${row.endsAt.getTime()}`),
      delay: Math.max(0, row.endsAt.getTime() - now.getTime()),
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    report.oneOff.push(row.id);
    return;
  }
  if (row.endsAt <= now) {
    await queue.removeJobScheduler(row.id);
    report.removed.push(row.id);
    return;
  }
  const repeat = row.everyMs
    ? { every: row.everyMs, ...(row.startsAt ? { startDate: row.startsAt } : {}), endDate: row.endsAt }
    : { pattern: row.pattern!, tz: row.tz ?? undefined, ...(row.startsAt ? { startDate: row.startsAt } : {}), endDate: row.endsAt };
  await queue.upsertJobScheduler(row.id, repeat, { name: row.jobName, data: row.data, opts: TICK_OPTIONS });
  report.schedulers.push(row.id);
}

/**
 * A briefing whose 09:00 passed while no worker ran and Redis lost its
 * scheduler: posted on start if the briefing's slot (its duration) is not
 * over. The day's claim keeps it to one post.
 */
async function catchUpBriefings(deps: RestoreDeps, plan: Plan, now: Date, report: RestoreReport): Promise<void> {
  for (const day of briefingDaysOf(plan, deps.plans.momentContext(plan.id))) {
    const cp = plan.checkpoints.find((c) => c.id === day.checkpointId);
    const durationMs = cp?.monitoring ? parseDuration(cp.monitoring.briefings.duration) : 0;
    if (day.at > now || now.getTime() >= day.at.getTime() + durationMs) continue;
    if (await deps.store.briefings.get(plan.id, day.day)) continue;
    await queueOf(deps, BRIEFING_JOB).add(
      BRIEFING_JOB,
      { planId: plan.id, checkpointId: day.checkpointId, day: day.day },
      { jobId: safeJobId(`briefing-catchup-${plan.id}-${day.day}`), attempts: 3, removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } },
    );
    report.catchUp.push(day.day);
  }
}

/** Remove a scheduler whose window is over (BullMQ lets one tick fire past its end date). */
export async function retireScheduler(queues: Pick<Queues, 'get'>, jobName: string, schedulerId: string): Promise<void> {
  await queues.get(jobQueue[jobName as JobName] ?? 'control').removeJobScheduler(schedulerId);
}
