import { AUDIT } from '../audit/actions.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { PlanRegistry } from '../plan-registry.js';
import type { SlackPoster } from '../slack/poster.js';
import { briefingView } from '../slack/views/briefing.js';
import type { Store } from '../store/index.js';
import { briefingDaysOf } from '../stability/windows.js';
import { gatherBriefingFacts, type FactDeps } from './facts.js';
import { dueDay } from './schedule.js';

/**
 * Posting the daily briefing. A scheduled tick finds the listed day its time
 * stands for, claims that day in the state DB and only then builds and posts
 * the briefing: however many workers run and however often the tick is
 * delivered, one briefing per day. `/golive briefing` posts one now, in the
 * channel the command came from, without touching the day's claim.
 */

export interface BriefingDeps {
  plans: PlanRegistry;
  store: Store;
  clock: Clock;
  logger: Logger;
  slack: Pick<SlackPoster, 'upsert'>;
  channelFor(planId: string): Promise<string | undefined>;
  signoffState?: FactDeps['signoffState'];
}

export type BriefingResult = { posted: { day: string; ts: string; channelId: string } } | { skipped: string };

export function createBriefings(deps: BriefingDeps) {
  const facts = (input: Parameters<typeof gatherBriefingFacts>[1]) =>
    gatherBriefingFacts({ plans: deps.plans, store: deps.store, logger: deps.logger, signoffState: deps.signoffState }, input);

  return {
    /** A scheduler tick (its fire time) or a catch-up (its day). `claimant` is the job's id. */
    async scheduled(input: { planId: string; checkpointId?: string | undefined; fireAt: Date; day?: string | undefined; claimant: string }): Promise<BriefingResult> {
      const plan = deps.plans.get(input.planId);
      if (!plan) return { skipped: `plan ${input.planId} is not loaded` };
      const moments = deps.plans.momentContext(plan.id);
      const day = input.day
        ? briefingDaysOf(plan, moments).find((d) => d.day === input.day)
        : dueDay(plan, moments, input.checkpointId ?? '', input.fireAt);
      if (!day) return { skipped: 'the plan lists no briefing at this time' };
      const channelId = await deps.channelFor(plan.id);
      if (!channelId) {
        deps.logger.warn({ planId: plan.id, day: day.day }, 'briefing not posted: GOLIVE_CHANNEL is not set and the plan has no run channel yet');
        return { skipped: 'no channel for scheduled posts (GOLIVE_CHANNEL)' };
      }
      const now = deps.clock.now();
      const claim = await deps.store.briefings.claim({
        planId: plan.id,
        day: day.day,
        checkpointId: day.checkpointId,
        title: day.title,
        scheduledFor: day.at,
        claimant: input.claimant,
        channelId,
        now,
      });
      if (!claim) return { skipped: `the briefing of ${day.day} is already posted (or being posted)` };
      const view = briefingView(await facts({ planId: plan.id, checkpointId: day.checkpointId, title: day.title, source: day.source, now }));
      const ts = await deps.slack.upsert(`briefing:${plan.id}:${day.day}`, 'briefing', claim.channelId, view);
      await deps.store.briefings.posted(plan.id, day.day, ts, deps.clock.now());
      await deps.store.audit.append({ actor: 'golive', action: AUDIT.briefingPosted, planId: plan.id, checkpointId: day.checkpointId, details: { day: day.day, title: day.title, channel: claim.channelId } });
      return { posted: { day: day.day, ts, channelId: claim.channelId } };
    },

    /** `/golive briefing`: one now, where it was asked for. */
    async now(input: { planId: string; channelId: string; userId: string; requestKey: string }): Promise<BriefingResult> {
      const plan = deps.plans.require(input.planId);
      const now = deps.clock.now();
      const view = briefingView(await facts({ planId: plan.id, now }));
      const ts = await deps.slack.upsert(`briefing-now:${plan.id}:${input.requestKey}`, 'briefing', input.channelId, view);
      await deps.store.audit.append({ actor: input.userId, action: AUDIT.briefingPosted, planId: plan.id, details: { on_request: true, channel: input.channelId } });
      return { posted: { day: 'now', ts, channelId: input.channelId } };
    },
  };
}

export type Briefings = ReturnType<typeof createBriefings>;
