import { AUDIT } from '../audit/actions.js';
import type { CheckOutcome } from '../checks/types.js';
import { describeError } from '../errors.js';
import { formatDuration } from '../plan/duration.js';
import type { CutoverState } from '../plan/constants.js';
import { findCheckpoint } from '../plan/schema.js';
import { formatLocal, resolveMoment } from '../plan/time.js';
import { rangeMs, rescheduledDates } from '../signoff/evidence.js';
import { summaryCardView, type SummaryInput } from '../slack/views/cutover-cards.js';
import type { CutoverFinalState } from '../store/cutovers.js';
import { channelOf, summaryKey } from './deps.js';
import { downtimeTarget, ruleOf } from './plan.js';
import { recordCutoverRun } from './record.js';
import type { RollbackReport } from './rollback.js';
import type { CutoverRun } from './run.js';

export interface FinishInput {
  finalState: CutoverFinalState;
  /** One sentence: why it ended so. */
  reason: string;
  rollback?: RollbackReport | undefined;
  validation?: Map<string, CheckOutcome & { environment: string }> | undefined;
  validationLines?: string[] | undefined;
  /** Which of the plan's cutover rules applied (critical_error, validation_fail …): its actions are listed. */
  rule?: Parameters<typeof ruleOf>[1] | undefined;
}

/**
 * The end of a cutover, rehearsal or rollback: the record closed, the cp3 run
 * written (not for a rehearsal: it must never stand in for the real thing),
 * the live message's last picture and the summary: downtime as the plan
 * defines it, each step against its budget, the rollback's time and
 * verification, and what comes next.
 */
export async function finishCutover(run: CutoverRun, input: FinishInput): Promise<void> {
  const { deps, cp, cutover } = run;
  const now = deps.clock.now();
  const downtime = await measureDowntime(run, input.finalState);

  let decisionLabel: string | undefined;
  let digest: string | undefined;
  let actions: string[] = ruleOf(cp.spec, input.rule ?? (input.finalState === 'completed' ? 'validation_pass' : 'critical_error'))?.actions ?? [];
  let next: string | undefined;
  if (cutover.kind !== 'rehearsal') {
    try {
      const recorded = await recordCutoverRun(deps, cp, cutover, { finalState: input.finalState as CutoverState, validation: input.validation, reason: input.reason });
      decisionLabel = recorded.decision.label;
      digest = recorded.digest;
      const outcome = recorded.decision.outcome;
      if (outcome) {
        // A success lists the outcome's actions; a failure adds what the plan's rule for the case says.
        actions = input.finalState === 'completed' ? outcome.actions : [...outcome.actions, ...actions.filter((a) => !outcome.actions.includes(a))];
        next = nextText(run, outcome.next, outcome.reschedule, now);
      }
    } catch (err) {
      run.log.error({ err }, 'could not record the cutover run');
      next = `The cp3 run could not be recorded (${describeError(err)}): sign-offs wait for it.`;
    }
  } else {
    next = 'A rehearsal changes no decision: use these times to calibrate the plan’s step budgets.';
  }

  // Closed after its cp3 run exists: whoever sees the cutover finished finds its record too.
  await deps.store.cutovers.finish(cutover.id, { status: input.finalState, finalState: input.finalState, reason: input.reason, downtimeMs: downtime?.ms, now });

  const ok = input.finalState === 'completed';
  run.live.view.outcome = { ok, text: `${decisionLabel ? `${decisionLabel}: ` : ''}${input.reason}` };
  // The last picture shows the outcome, not the target's activity of a minute ago.
  run.live.view.activity = undefined;
  run.live.view.status = input.reason;
  await run.live.refresh();

  const migrationSteps = run.live.view.steps.filter((s) => s.file !== cp.rollbackFile.id);
  const migrationMs = migrationSteps.reduce((sum, s) => sum + (s.elapsedMs ?? 0), 0);
  const summary: SummaryInput = {
    title: `${run.live.view.title}: ${cutover.kind === 'rehearsal' ? 'rehearsal result' : 'post-cutover summary'}`,
    kind: cutover.kind,
    ok,
    headline: input.reason,
    decisionLabel,
    downtime,
    steps: migrationSteps.map((s) => ({ name: s.name, ms: s.elapsedMs, budgetMs: s.budgetMs, status: s.state === 'done' ? 'succeeded' : s.state === 'skipped' ? 'skipped' : s.state === 'waiting' ? 'not run' : s.state })),
    totalMs: migrationSteps.some((s) => s.elapsedMs !== undefined) ? migrationMs : undefined,
    budgetTotalMs: Object.values(cp.budgets).reduce((a, b) => a + b, 0),
    rollback: input.rollback && { ms: input.rollback.elapsedMs, limitMs: input.rollback.limitMs, verified: input.rollback.verified, lines: input.rollback.lines },
    validation: input.validationLines,
    actions: ok && cutover.kind === 'rehearsal' ? [] : actions,
    next,
    digest,
    timeZone: cp.plan.time_zone,
    now,
  };
  const channel = channelOf(deps, cutover.channelId);
  if (channel) {
    await deps.slack.upsert(summaryKey(cutover.id), 'cutover-summary', channel, summaryCardView(summary)).catch((err: unknown) => run.log.warn({ err }, 'could not post the cutover summary'));
  }
  const action = input.finalState === 'completed' ? AUDIT.cutoverCompleted : input.finalState === 'aborted' ? AUDIT.cutoverAborted : input.finalState === 'rolled_back' ? AUDIT.cutoverRolledBack : AUDIT.cutoverFailed;
  await deps.store.audit.append({
    actor: 'golive',
    action,
    planId: cp.plan.id,
    checkpointId: cp.checkpoint.id,
    details: {
      cutover: cutover.id,
      kind: cutover.kind,
      environment: cutover.environment,
      final_state: input.finalState,
      reason: input.reason,
      downtime_ms: downtime?.ms ?? null,
      rollback: input.rollback ? { ms: input.rollback.elapsedMs, verified: input.rollback.verified } : null,
      decision: decisionLabel ?? null,
    },
  });
  run.log.info({ finalState: input.finalState, reason: input.reason }, 'cutover finished');
}

/**
 * Downtime as the plan defines it: from the first manual item before the
 * migration (the application's shutdown) to the first manual item after the
 * validation (the application resumes); without such items, from the start
 * of the window to the end of the cutover.
 */
async function measureDowntime(run: CutoverRun, finalState: CutoverFinalState): Promise<SummaryInput['downtime']> {
  const { deps, cp, cutover } = run;
  if (cutover.kind === 'rollback') return undefined;
  const phaseIds = cp.spec.phases.map((p) => p.id);
  const migration = cp.spec.phases.findIndex((p) => p.runs_steps);
  const validation = cp.spec.phases.findIndex((p) => p.criteria_phase);
  const after = Math.max(migration, validation);
  const items = (await deps.store.cutovers.items(cutover.id)).filter((i) => i.confirmedAt);
  const order = (i: { phase: string; itemIndex: number }) => phaseIds.indexOf(i.phase) * 1000 + i.itemIndex;
  const first = items.filter((i) => phaseIds.indexOf(i.phase) < migration).sort((a, b) => order(a) - order(b))[0];
  const resumed = finalState === 'completed' ? items.filter((i) => phaseIds.indexOf(i.phase) > after).sort((a, b) => order(a) - order(b))[0] : undefined;
  const from = first?.confirmedAt ?? cutover.startedAt;
  if (!from) return undefined;
  const to = resumed?.confirmedAt ?? deps.clock.now();
  const ms = Math.max(0, to.getTime() - from.getTime());
  const target = downtimeTarget(cp.spec);
  const targetText = target.min === target.max ? formatDuration(target.max) : `${formatDuration(target.min)}–${formatDuration(target.max)}`;
  return {
    ms,
    from: first?.text ?? 'start of the maintenance window',
    to: resumed?.text ?? (finalState === 'completed' ? 'end of the cutover' : 'rollback finished'),
    target: targetText,
    within: ms <= target.max,
  };
}

function nextText(run: CutoverRun, nextId: string | undefined, reschedule: Parameters<typeof rescheduledDates>[0], now: Date): string | undefined {
  const { deps, cp } = run;
  const zone = cp.plan.time_zone;
  const parts: string[] = [];
  if (nextId) {
    const next = findCheckpoint(cp.plan, nextId);
    if (next) {
      let when = '';
      try {
        when = ` from ${formatLocal(resolveMoment(next.window.start, deps.plans.momentContext(cp.plan.id)), zone, true)}`;
      } catch {
        when = '';
      }
      parts.push(`Next: ${next.id.toUpperCase()} ${next.title}${when}. Sign-offs of this cutover: /golive ${cp.checkpoint.id} signoff.`);
    }
  }
  for (const { reschedule: r, earliest, latest } of rescheduledDates(reschedule, now)) {
    const { min, max } = rangeMs(r.delay);
    const when = min === max ? formatLocal(earliest, zone, false) : `${formatLocal(earliest, zone, false)} – ${formatLocal(latest, zone, false)}`;
    parts.push(`Reschedule${r.what ? ` ${r.what}` : ''}: +${min === max ? formatDuration(min) : `${formatDuration(min)} to +${formatDuration(max)}`} → ${when} (${zone})`);
  }
  return parts.length ? parts.join('\n') : undefined;
}
