import { getNextMillis } from 'bullmq';
import { localParts, type MomentContext } from '../plan/time.js';
import type { Plan } from '../plan/schema.js';
import type { ScheduleInput } from '../store/schedules.js';
import { briefingDaysOf, safeKey, type BriefingDay } from '../stability/windows.js';

/**
 * The daily briefing's job schedulers: one per time of day the plan lists
 * (opt1: 09:00), a cron pattern read in the plan's time zone (`tz`), from
 * just before the first listed day to just after the last. A day in between
 * that the plan does not list fires and posts nothing. The demo's days are
 * minutes apart at different times of day: one scheduler each.
 *
 * The next fire is BullMQ's own computation (getNextMillis, cron-parser with
 * the zone), so what the tests check is what the queue will do.
 */

export const BRIEFING_JOB = 'briefing';
/** How far a tick may be from a listed day's time and still be that day's (cron has whole seconds). */
export const DUE_TOLERANCE_MS = 2_000;

export function briefingSchedulesOf(plan: Plan, moments: MomentContext): ScheduleInput[] {
  const groups = new Map<string, BriefingDay[]>();
  for (const day of briefingDaysOf(plan, moments)) {
    const p = localParts(day.at, plan.time_zone);
    const key = `${day.checkpointId}|${p.second} ${p.minute} ${p.hour}`;
    groups.set(key, [...(groups.get(key) ?? []), day]);
  }
  return [...groups.entries()].map(([key, days]) => {
    const [checkpointId, time] = key.split('|') as [string, string];
    const [s, m, h] = time.split(' ').map(Number) as [number, number, number];
    const first = days[0]!.at.getTime();
    const last = days[days.length - 1]!.at.getTime();
    return {
      id: safeKey(`briefing-${plan.id}-${checkpointId}-${pad(h)}${pad(m)}${pad(s)}`),
      planId: plan.id,
      checkpointId,
      environment: null,
      jobName: BRIEFING_JOB,
      everyMs: null,
      pattern: `${s} ${m} ${h} * * *`,
      tz: plan.time_zone,
      startsAt: new Date(first - 1_000),
      endsAt: new Date(last + 1_000),
      data: { planId: plan.id, checkpointId },
    };
  });
}

/** When a briefing scheduler fires next after `after` (undefined: not before its end). */
export function nextBriefingFire(schedule: Pick<ScheduleInput, 'pattern' | 'tz' | 'startsAt' | 'endsAt'>, after: Date): Date | undefined {
  if (!schedule.pattern) return undefined;
  const next = getNextMillis(after.getTime(), { pattern: schedule.pattern, tz: schedule.tz ?? undefined, startDate: schedule.startsAt ?? undefined });
  if (next === undefined || next > schedule.endsAt.getTime()) return undefined;
  return new Date(next);
}

/**
 * The listed day a tick at `fireAt` stands for, if any. A cron fires on the
 * whole second at or before the listed time (the demo's start has
 * milliseconds), so of the days within tolerance the one just at or after
 * the tick wins: days a second apart each get their own tick.
 */
export function dueDay(plan: Plan, moments: MomentContext, checkpointId: string, fireAt: Date): BriefingDay | undefined {
  const rank = (d: BriefingDay) => {
    const ahead = d.at.getTime() - fireAt.getTime();
    return ahead >= 0 && ahead < 1_000 ? ahead : 1_000 + Math.abs(ahead);
  };
  return briefingDaysOf(plan, moments)
    .filter((d) => d.checkpointId === checkpointId && Math.abs(d.at.getTime() - fireAt.getTime()) <= DUE_TOLERANCE_MS)
    .sort((a, b) => rank(a) - rank(b))[0];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
