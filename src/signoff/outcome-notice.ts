import { AUDIT } from '../audit/actions.js';
import { formatDuration } from '../plan/duration.js';
import { findCheckpoint, type Outcome, type Plan } from '../plan/schema.js';
import { formatLocal } from '../plan/time.js';
import { actions, button, context, escapeMrkdwn, section, type Block } from '../slack/views/blocks.js';
import { SIGNOFF_ACTION, type MitigationsButtonValue } from '../slack/views/signoff-card.js';
import type { RunRecord } from '../store/runs.js';
import { outcomeNoticeKey, type SignoffDeps } from './deps.js';
import { decidedAt, evidenceOfRun, rangeMs, rescheduledDates, retestDeadline, type RunEvidence } from './evidence.js';

/**
 * What the team must do after a run that does not open the next checkpoint:
 * NO-GO / HOLD / DELAY post the plan outcome's action items and the
 * rescheduled dates (from the run's time, in the plan's zone); CONDITIONAL
 * posts its action items, the re-test deadline and the "Record mitigations"
 * button. One message per run (posted_messages key), updated if asked again.
 * The run engine calls this when a run decides; `/golive cpN signoff` calls it
 * too. Returns false when there is nothing to post.
 */
export async function postOutcomeNotice(deps: SignoffDeps, runId: number, channelId: string): Promise<boolean> {
  const run = await deps.store.runs.get(runId);
  const plan = run && deps.plans.get(run.planId);
  const cp = plan && run && findCheckpoint(plan, run.checkpointId);
  if (!run || !plan || !cp || run.status !== 'complete') return false;
  const evidence = evidenceOfRun(cp, run, await deps.store.runs.results(run.id));
  if (evidence.kind !== 'nogo' && evidence.kind !== 'conditional') return false;
  const key = outcomeNoticeKey(plan.id, cp.id, run.id);
  const existed = await deps.store.messages.get(key);
  await deps.slack.upsert(key, 'outcome-notice', existed?.channelId ?? channelId, outcomeNoticeView(plan, run, evidence));
  if (!existed) {
    await deps.store.audit.append({
      actor: 'golive',
      action: AUDIT.outcomePosted,
      planId: plan.id,
      checkpointId: cp.id,
      runId: run.id,
      details: { runNumber: run.number, decision: evidence.label, kind: evidence.kind },
    });
  }
  return true;
}

export function outcomeNoticeView(plan: Plan, run: RunRecord, evidence: RunEvidence): { text: string; blocks: Block[] } {
  const zone = plan.time_zone;
  const outcome = evidence.outcome;
  const base = decidedAt(run);
  const icon = evidence.kind === 'conditional' ? '🟡' : '🔴';
  const blocks: Block[] = [];
  const failed = evidence.failedCriteria.length ? `\nFailed: ${evidence.failedCriteria.map((c) => escapeMrkdwn(c.title)).join(', ')}` : '';
  const status = outcome?.status ? `\n_${escapeMrkdwn(outcome.status)}_` : '';
  blocks.push(section(`${icon} *${escapeMrkdwn(evidence.label)}* · ${plan.id.toUpperCase()} ${run.checkpointId.toUpperCase()} run #${run.number}${status}${failed}`, 'outcome-head'));

  const items = outcome?.actions ?? [];
  if (items.length > 0) {
    blocks.push(section(`*Action items*\n${items.map((a, i) => `${i + 1}. ${escapeMrkdwn(a)}`).join('\n')}`, 'outcome-actions'));
  }
  const dates = rescheduledDates(outcome?.reschedule ?? [], base);
  if (dates.length > 0) {
    const lines = dates.map(({ reschedule: r, earliest, latest }) => {
      const { min, max } = rangeMs(r.delay);
      const delay = min === max ? `+${formatDuration(min)}` : `+${formatDuration(min)} to +${formatDuration(max)}`;
      const when = min === max ? formatLocal(earliest, zone, false) : `${formatLocal(earliest, zone, false)} – ${formatLocal(latest, zone, false)}`;
      const what = r.what ? `${escapeMrkdwn(r.what)}: ` : '';
      const cond = r.when ? ` (${escapeMrkdwn(r.when)})` : '';
      return `• ${what}${delay} → *${when}*${cond}`;
    });
    blocks.push(section(`*Rescheduled* (from the run's time, ${zone})\n${lines.join('\n')}`, 'outcome-reschedule'));
  }
  const deadline = evidence.kind === 'conditional' ? retestDeadline(outcome, base) : undefined;
  if (deadline) blocks.push(section(`*Re-test the failed areas by ${formatLocal(deadline, zone, true)}*. Record an owner and a mitigation for each failed criterion; the next checkpoint stays closed until a run decides GO and is signed.`, 'outcome-retest'));
  const limits = outcome ? timeLimitLines(outcome, base, zone) : [];
  if (limits.length > 0) blocks.push(section(`*Time limits* (from the decision, ${zone})\n${limits.join('\n')}`, 'outcome-limits'));
  if (outcome?.escalation || (outcome?.escalate_to.length ?? 0) > 0) {
    const roles = (outcome?.escalate_to ?? []).map((r) => plan.roles[r]?.title ?? r).join(', ');
    blocks.push(section(`*Escalation*: ${escapeMrkdwn(outcome?.escalation ?? roles)}`, 'outcome-escalation'));
  }
  if (evidence.kind === 'conditional') {
    blocks.push(actions([button({ text: 'Record mitigations', actionId: SIGNOFF_ACTION.mitigations, value: JSON.stringify({ run: run.id } satisfies MitigationsButtonValue) })], 'outcome-buttons'));
  }
  blocks.push(context([`Decided ${formatLocal(base, zone, true)}`], 'outcome-context'));
  const text = `${plan.id} ${run.checkpointId} run #${run.number}: ${evidence.label}. ${items.length} action item(s)${dates.length ? `; rescheduled: ${dates.map((d) => formatLocal(d.earliest, zone, false)).join(', ')}` : ''}.`;
  return { text, blocks };
}

/**
 * The outcome's clocks made into times: a fix in place must land by
 * `fix_within` (beyond it the escalation timeline says roll back), the
 * monitoring goes on `continue_monitoring` longer, a rollback must finish
 * within `rollback_within`, recovery takes `recovery`.
 */
export function timeLimitLines(outcome: Outcome, base: Date, zone: string): string[] {
  const at = (ms: number) => formatLocal(new Date(base.getTime() + ms), zone, false);
  const lines: string[] = [];
  if (outcome.fix_within) {
    const ms = rangeMs(outcome.fix_within).max;
    lines.push(`• Fix in place by *${at(ms)}* (${formatDuration(ms)}); not fixed by then: roll back`);
  }
  if (outcome.continue_monitoring) {
    const { min, max } = rangeMs(outcome.continue_monitoring);
    lines.push(`• Keep monitoring until *${at(min)}*${max > min ? ` – *${at(max)}*` : ''} (${formatDuration(min)}${max > min ? ` to ${formatDuration(max)}` : ''} more)`);
  }
  for (const e of outcome.escalation_timeline) lines.push(`• ${escapeMrkdwn(e.case)}: ${escapeMrkdwn(e.action)}`);
  if (outcome.rollback_within) lines.push(`• A rollback must finish within ${formatDuration(rangeMs(outcome.rollback_within).max)}`);
  if (outcome.recovery) {
    const { min, max } = rangeMs(outcome.recovery);
    lines.push(`• Recovery: ${formatDuration(min)}${max > min ? ` to ${formatDuration(max)}` : ''}`);
  }
  return lines;
}
