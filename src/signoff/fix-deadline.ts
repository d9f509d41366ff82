import { AUDIT } from '../audit/actions.js';
import { formatDuration } from '../plan/duration.js';
import { findCheckpoint } from '../plan/schema.js';
import { formatLocal } from '../plan/time.js';
import { context, escapeMrkdwn, section } from '../slack/views/blocks.js';
import { commandHint, type SignoffDeps } from './deps.js';
import { decidedAt, evidenceOfRun, rangeMs } from './evidence.js';

/** How far back a pass looks for decisions whose fix window may have ended. */
const LOOK_BACK_MS = 7 * 24 * 3_600_000;

export interface FixDeadlineNotice {
  runId: number;
  deadline: Date;
}

/**
 * A NO-GO outcome with `fix_within` (cp4 ISSUE RESOLUTION REQUIRED: "If
 * fixable in 4 hours: apply fix + retest; if not fixable: consider
 * ROLLBACK") starts a clock nobody should have to watch. Once the window
 * has passed and no later run of the checkpoint has been decided, the
 * channel is told, once (a delivery key in the state DB, whatever the number
 * of workers): the fix window ended, what the plan's escalation timeline
 * says, and the rollback command. Reads the state DB on the injected clock;
 * a worker calls it every minute.
 */
export async function noticeEndedFixWindows(deps: SignoffDeps): Promise<FixDeadlineNotice[]> {
  const now = deps.clock.now();
  const posted: FixDeadlineNotice[] = [];
  for (const run of await deps.store.runs.decidedSince('nogo', new Date(now.getTime() - LOOK_BACK_MS))) {
    const plan = deps.plans.get(run.planId);
    const cp = plan && findCheckpoint(plan, run.checkpointId);
    if (!plan || !cp) continue;
    const outcome = evidenceOfRun(cp, run).outcome;
    if (!outcome?.fix_within) continue;
    const windowMs = rangeMs(outcome.fix_within).max;
    const deadline = new Date(decidedAt(run).getTime() + windowMs);
    if (deadline.getTime() > now.getTime()) continue;
    // A later decision of the checkpoint (the fix re-tested) supersedes this one.
    const latest = await deps.store.runs.latestDecided(plan.id, cp.id);
    if (latest && latest.id !== run.id) continue;
    if (!(await deps.store.deliveries.claim(`fix-deadline:${run.id}`, 'fix-deadline'))) continue;

    const channel = run.channelId ?? deps.defaultChannel;
    const zone = plan.time_zone;
    const timeline = outcome.escalation_timeline.map((e) => `• ${escapeMrkdwn(e.case)}: ${escapeMrkdwn(e.action)}`);
    const rollback = outcome.rollback_within ? ` (it must finish within ${formatDuration(rangeMs(outcome.rollback_within).max)})` : '';
    const text = `⏰ ${plan.id} ${cp.id} run #${run.number} (${run.decision}): the ${formatDuration(windowMs)} fix window ended at ${formatLocal(deadline, zone, false)} with no later decision.`;
    const blocks = [
      section(`⏰ *The fix window of ${escapeMrkdwn(plan.id.toUpperCase())} ${cp.id.toUpperCase()} run #${run.number} (${escapeMrkdwn(run.decision ?? '')}) ended* at ${formatLocal(deadline, zone, true)}: ${formatDuration(windowMs)} from the decision, and no later run has been decided.`, 'fix-deadline-head'),
      ...(timeline.length ? [section(`*The plan's escalation timeline*\n${timeline.join('\n')}`, 'fix-deadline-timeline')] : []),
      section(`Not fixed: roll back with ${commandHint(deps.plans, plan.id, 'cp3 rollback')}${rollback}. Fixed: re-test with ${commandHint(deps.plans, plan.id, `${cp.id} run`)}.`, 'fix-deadline-next'),
      context([`Decided ${formatLocal(decidedAt(run), zone, true)}`], 'fix-deadline-context'),
    ];
    if (channel) await deps.slack.post(channel, { text, blocks });
    else deps.logger.warn({ runId: run.id }, 'a fix window ended but there is no channel to say so (set GOLIVE_CHANNEL)');
    await deps.store.audit.append({ actor: 'golive', action: AUDIT.fixWindowEnded, planId: plan.id, checkpointId: cp.id, runId: run.id, details: { deadline: deadline.toISOString(), window_ms: windowMs } });
    posted.push({ runId: run.id, deadline });
  }
  return posted;
}
