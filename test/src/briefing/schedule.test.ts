import { describe, expect, it } from 'vitest';
import { briefingSchedulesOf, dueDay, nextBriefingFire } from '../../../src/briefing/schedule.js';
import { fromRoot } from '../../../src/paths.js';
import { loadPlans } from '../../../src/plan/load.js';

/**
 * The 09:00 briefing of plans/opt1.yaml as a BullMQ job scheduler: a cron
 * pattern read in America/Sao_Paulo (UTC-3), so 09:00 there is 12:00 UTC.
 * The next fire is BullMQ's own computation (getNextMillis with the zone).
 */
describe('the daily briefing schedule', () => {
  const plan = loadPlans([fromRoot('plans', 'opt1.yaml')])[0]!.plan;
  const moments = { timeZone: plan.time_zone };
  const schedules = briefingSchedulesOf(plan, moments);

  it('is one 09:00 cron in the plan time zone, from the first listed day to the last', () => {
    expect(schedules).toHaveLength(1);
    const s = schedules[0]!;
    expect(s).toMatchObject({ jobName: 'briefing', pattern: '0 0 9 * * *', tz: 'America/Sao_Paulo', data: { planId: 'opt1', checkpointId: 'cp4' } });
    expect(s.startsAt!.toISOString()).toBe('2026-02-17T11:59:59.000Z');
    expect(s.endsAt.toISOString()).toBe('2026-02-19T12:00:01.000Z');
  });

  it('fires next at 09:00 São Paulo (12:00 UTC) of the next local day, also when UTC is already on the next date', () => {
    const s = schedules[0]!;
    // 17/02 23:00 in São Paulo is 18/02 02:00 UTC: UTC has crossed midnight, the plan's zone has not.
    expect(nextBriefingFire(s, new Date('2026-02-18T02:00:00Z'))?.toISOString()).toBe('2026-02-18T12:00:00.000Z');
    // 08:59 local on the 18th: that same morning, not 09:00 UTC (06:00 local).
    expect(nextBriefingFire(s, new Date('2026-02-18T11:59:00Z'))?.toISOString()).toBe('2026-02-18T12:00:00.000Z');
    // Just after a briefing: the next day's.
    expect(nextBriefingFire(s, new Date('2026-02-17T12:30:00Z'))?.toISOString()).toBe('2026-02-18T12:00:00.000Z');
    // Before the first listed day: the first one (not 09:00 of the day before).
    expect(nextBriefingFire(s, new Date('2026-02-15T20:00:00Z'))?.toISOString()).toBe('2026-02-17T12:00:00.000Z');
    // After the last: none.
    expect(nextBriefingFire(s, new Date('2026-02-19T12:00:00Z'))).toBeUndefined();
  });

  it('finds the listed day a tick stands for, with its title, and none for an unlisted time', () => {
    const day = dueDay(plan, moments, 'cp4', new Date('2026-02-18T12:00:00Z'));
    expect(day).toMatchObject({ day: '2026-02-18', title: '24-hour analysis' });
    expect(dueDay(plan, moments, 'cp4', new Date('2026-02-18T09:00:00Z'))).toBeUndefined();
    expect(dueDay(plan, moments, 'cp4', new Date('2026-02-20T12:00:00Z'))).toBeUndefined();
  });

  it('gives the demo plan one scheduler per listed time, each firing once', () => {
    const demo = loadPlans([fromRoot('plans', 'demo.yaml')])[0]!.plan;
    const start = new Date('2026-11-26T12:00:00Z');
    const rows = briefingSchedulesOf(demo, { timeZone: demo.time_zone, start });
    expect(rows.map((r) => r.pattern)).toEqual(['0 44 9 * * *', '0 8 10 * * *', '0 22 10 * * *']);
    for (const r of rows) {
      const first = nextBriefingFire(r, new Date(start.getTime()));
      expect(first).toBeDefined();
      expect(nextBriefingFire(r, new Date(first!.getTime() + 1))).toBeUndefined();
    }
  });
});
