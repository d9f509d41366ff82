import { AUDIT } from '../audit/actions.js';
import { formatDuration } from '../plan/duration.js';
import type { Command, Plan } from '../plan/schema.js';
import { formatLocal } from '../plan/time.js';
import { requirePermission } from '../require-permission.js';
import { confirmCardView, interruptedCardView, thresholdCardView, type InterruptedCardInput } from '../slack/views/cutover-cards.js';
import { CutoverActiveError, type CutoverKind, type CutoverRecord, type ThresholdAction } from '../store/cutovers.js';
import { channelOf, confirmCardKey, thresholdKey, type CutoverDeps } from './deps.js';
import { cutoverCheckpoint, cutoverPlanOf, rollbackLimitAt } from './plan.js';
import { cutoverReadiness } from './readiness.js';
import { titleOf } from './run.js';

export type ControlAnswer = { ok: boolean; text: string };

const PERMISSION: Record<CutoverKind, Command> = { cutover: 'start', rehearsal: 'rehearse', rollback: 'rollback' };
const CONFIRM_ROLE = 'dba';

/** The environment a kind of cutover works on: production for the cutover and a rollback, staging for a rehearsal. */
export function environmentFor(plan: Plan, kind: CutoverKind): string {
  const cp = cutoverCheckpoint(plan);
  if (kind !== 'rehearsal') return cp.environment;
  if (plan.environments.staging) return 'staging';
  const index = plan.checkpoints.findIndex((c) => c.id === cp.id);
  return plan.checkpoints[index - 1]?.environment ?? cp.environment;
}

/**
 * `/golive cp3 start | rehearse | rollback`: the checks that can be made
 * without touching a target, the cutover row (one active per plan and
 * environment: a second start is refused by the state DB), and the
 * confirmation card in the channel. Nothing runs until a DBA confirms.
 */
export async function requestCutover(
  deps: CutoverDeps,
  input: { planId: string; kind: CutoverKind; userId: string; channelId: string; requestKey?: string | undefined },
): Promise<ControlAnswer> {
  const cp = cutoverPlanOf(deps.plans, input.planId);
  const { plan, checkpoint } = cp;
  const environment = environmentFor(plan, input.kind);
  const active = await deps.store.cutovers.active(plan.id, environment);
  if (active) return { ok: false, text: activeMessage(plan, active) };

  let reasons: string[] = [];
  let preCutoverRunId: number | undefined;
  if (input.kind === 'cutover') {
    const ready = await cutoverReadiness(deps, plan, checkpoint);
    if (!ready.ok) {
      await deps.store.audit.append({ actor: input.userId, action: AUDIT.cutoverRefused, planId: plan.id, checkpointId: checkpoint.id, details: { problems: ready.problems } });
      return { ok: false, text: `Not started: ${ready.problems.join('; ')}.` };
    }
    reasons = ready.reasons;
    preCutoverRunId = ready.preCutoverRun?.id;
  }

  let cutover: CutoverRecord;
  try {
    const created = await deps.store.cutovers.create({
      planId: plan.id,
      checkpointId: checkpoint.id,
      environment,
      kind: input.kind,
      startedBy: input.userId,
      channelId: input.channelId,
      requestKey: input.requestKey,
      preCutoverRunId,
      now: deps.clock.now(),
    });
    if (!created.created) return { ok: true, text: `That request already made ${titleOf(cp, created.cutover)} (${created.cutover.status}).` };
    cutover = created.cutover;
  } catch (err) {
    if (err instanceof CutoverActiveError) return { ok: false, text: activeMessage(plan, err.active) };
    throw err;
  }
  await deps.store.audit.append({ actor: input.userId, action: AUDIT.cutoverRequested, planId: plan.id, checkpointId: checkpoint.id, details: { cutover: cutover.id, kind: input.kind, environment } });
  await postConfirmCard(deps, cutover, reasons, 'awaiting');
  return { ok: true, text: `Posted the confirmation card for ${titleOf(cp, cutover)}: a ${plan.roles[CONFIRM_ROLE]?.title ?? 'DBA'} confirms it with its button.` };
}

function activeMessage(plan: Plan, active: CutoverRecord): string {
  const what = active.kind === 'rehearsal' ? 'rehearsal' : active.kind === 'rollback' ? 'rollback' : 'cutover';
  const state = active.status === 'awaiting_confirmation' ? 'is waiting for its confirmation' : active.status === 'interrupted' ? 'was interrupted and waits for a DBA (resume or roll back)' : `is ${active.status}`;
  return `Not started: ${what} #${active.id} on ${active.environment} ${state} (started by <@${active.startedBy}> at ${formatLocal(active.createdAt, plan.time_zone, true)}). One at a time.`;
}

async function postConfirmCard(deps: CutoverDeps, cutover: CutoverRecord, reasons: string[], state: 'awaiting' | 'confirmed' | 'cancelled', actor?: string): Promise<void> {
  const cp = cutoverPlanOf(deps.plans, cutover.planId);
  const channel = channelOf(deps, cutover.channelId);
  if (!channel) return;
  const stored = (cutover.detail.confirm_reasons as string[] | undefined) ?? reasons;
  if (state === 'awaiting') await deps.store.cutovers.setDetail(cutover.id, 'confirm_reasons', reasons);
  const steps = cp.spec.steps.map((s) => `${s.name} ${formatDuration(cp.budgets[s.name] ?? 0)}`).join(', ');
  const plan =
    cutover.kind === 'rollback'
      ? [
          `run ${cp.rollbackFile.id} on ${cutover.environment} with the step runner`,
          `verify row count, content checksum and indexes; limit ${formatDuration(rollbackLimitAt(cp, deps.clock.now(), deps.plans.momentContext(cp.plan.id)).ms)}`,
        ]
      : [
          ...cp.spec.phases.map((p) => `${p.title}${p.runs_steps ? `: ${steps}` : p.criteria_phase ? `: the ${p.criteria_phase} criteria` : ''}`),
          `thresholds from the migration's start: ${cp.thresholds.map((t) => `${t.action.replace(/_/g, ' ')} +${formatDuration(t.afterMs)}`).join(', ')}`,
        ];
  const view = confirmCardView({
    title: titleOf(cp, cutover),
    kind: cutover.kind,
    cutoverId: cutover.id,
    environment: cutover.environment,
    reasons: stored,
    plan,
    confirmRoleTitle: cp.plan.roles[CONFIRM_ROLE]?.title ?? 'DBA',
    state,
    startedBy: cutover.startedBy,
    actor,
    at: deps.clock.now(),
    timeZone: cp.plan.time_zone,
  });
  await deps.slack.upsert(confirmCardKey(cutover.id), 'cutover-confirm', channel, view);
}

/** Only holders of the plan's role for this kind (start / rehearse / rollback) may press its buttons; refusals are audited. */
async function allowed(deps: CutoverDeps, cutover: CutoverRecord, userId: string, command: Command, attempted: string): Promise<string | undefined> {
  const plan = deps.plans.require(cutover.planId);
  const refusal = await requirePermission({ roles: deps.roles, store: deps.store }, { plan, command, userId, checkpointId: cutover.checkpointId, attempted });
  return refusal?.text;
}

/** The confirmation button: re-checks readiness (things may have changed), then queues the job. */
export async function confirmCutover(deps: CutoverDeps, input: { cutoverId: number; userId: string }): Promise<ControlAnswer> {
  const cutover = await deps.store.cutovers.get(input.cutoverId);
  if (!cutover) return { ok: false, text: 'That cutover no longer exists.' };
  const refused = await allowed(deps, cutover, input.userId, PERMISSION[cutover.kind], `confirm ${cutover.kind} #${cutover.id}`);
  if (refused) return { ok: false, text: refused };
  if (cutover.status !== 'awaiting_confirmation') return { ok: false, text: `${cutover.kind} #${cutover.id} is ${cutover.status} already.` };
  const cp = cutoverPlanOf(deps.plans, cutover.planId);
  if (cutover.kind === 'cutover') {
    const ready = await cutoverReadiness(deps, cp.plan, cp.checkpoint);
    if (!ready.ok) return { ok: false, text: `Not started: ${ready.problems.join('; ')}.` };
  }
  const confirmed = await deps.store.cutovers.confirm(cutover.id, input.userId, deps.clock.now());
  if (!confirmed) return { ok: false, text: `${cutover.kind} #${cutover.id} was confirmed or cancelled by someone else a moment ago.` };
  await deps.queues.enqueue(
    'cutover-run',
    { cutoverId: cutover.id, mode: 'start', requestKey: `start-${cutover.id}` },
    // Never retried: a half-done migration waits for a person, not for BullMQ.
    { jobId: `cutover-${cutover.id}-start`, attempts: 1 },
  );
  await deps.store.audit.append({ actor: input.userId, action: AUDIT.cutoverStarted, planId: cutover.planId, checkpointId: cutover.checkpointId, details: { cutover: cutover.id, kind: cutover.kind, environment: cutover.environment } });
  await postConfirmCard(deps, confirmed, [], 'confirmed', input.userId).catch((err: unknown) => deps.logger.warn({ err }, 'could not update the confirmation card'));
  return { ok: true, text: `Confirmed: ${titleOf(cp, cutover)} is queued; its live message follows in the channel.` };
}

export async function cancelCutover(deps: CutoverDeps, input: { cutoverId: number; userId: string }): Promise<ControlAnswer> {
  const cutover = await deps.store.cutovers.get(input.cutoverId);
  if (!cutover) return { ok: false, text: 'That cutover no longer exists.' };
  const refused = await allowed(deps, cutover, input.userId, PERMISSION[cutover.kind], `cancel ${cutover.kind} #${cutover.id}`);
  if (refused) return { ok: false, text: refused };
  const cancelled = await deps.store.cutovers.cancel(cutover.id, `cancelled by <@${input.userId}>`, deps.clock.now());
  if (!cancelled) return { ok: false, text: `${cutover.kind} #${cutover.id} is ${cutover.status}: only a card waiting for its confirmation can be cancelled.` };
  await deps.store.audit.append({ actor: input.userId, action: AUDIT.cutoverCancelled, planId: cutover.planId, checkpointId: cutover.checkpointId, details: { cutover: cutover.id } });
  await postConfirmCard(deps, cancelled, [], 'cancelled', input.userId).catch(() => {});
  return { ok: true, text: `Cancelled ${cutover.kind} #${cutover.id}.` };
}

/**
 * `/golive cp3 abort`: the running cutover stops at its next safe point
 * (between two steps) and rolls back. Once validation has passed the
 * migration stands: undoing it is `/golive cp3 rollback`.
 */
export async function abortCutover(deps: CutoverDeps, input: { planId: string; userId: string; reason?: string | undefined }): Promise<ControlAnswer> {
  const plan = deps.plans.require(input.planId);
  const active = await deps.store.cutovers.activeForPlan(plan.id);
  if (!active || active.kind === 'rollback') return { ok: false, text: 'No cutover or rehearsal is running: nothing to abort.' };
  if (active.status === 'awaiting_confirmation') return cancelCutover(deps, { cutoverId: active.id, userId: input.userId });
  if (active.status === 'interrupted') return { ok: false, text: `${active.kind} #${active.id} is interrupted: use the Roll back button on its interruption message.` };
  const cp = cutoverPlanOf(deps.plans, plan.id);
  const validationIndex = cp.spec.phases.findIndex((p) => p.criteria_phase);
  const phaseIndex = cp.spec.phases.findIndex((p) => p.id === active.phase);
  if (validationIndex >= 0 && phaseIndex > validationIndex) {
    return { ok: false, text: `${active.kind} #${active.id} passed its validation and is finishing: the migration stands. To undo it afterwards: \`/golive ${cp.checkpoint.id} rollback\`.` };
  }
  const marked = await deps.store.cutovers.requestAbort(active.id, input.userId, input.reason ?? 'abort command', deps.clock.now());
  if (!marked) return { ok: false, text: `${active.kind} #${active.id} is ${active.status}: nothing to abort.` };
  await deps.store.audit.append({ actor: input.userId, action: AUDIT.cutoverAbortRequested, planId: plan.id, checkpointId: cp.checkpoint.id, details: { cutover: active.id, phase: active.phase, step: active.currentStep } });
  const where = active.currentStep ? ` after step ${active.currentStep}` : '';
  return { ok: true, text: `Abort requested: ${active.kind} #${active.id} stops at its next safe point${where} and rolls back. Follow its live message.` };
}

/** Continue / Abort at assess and consider-abort. */
export async function decideThreshold(deps: CutoverDeps, input: { cutoverId: number; action: ThresholdAction; choice: 'continue' | 'abort'; userId: string }): Promise<ControlAnswer> {
  const cutover = await deps.store.cutovers.get(input.cutoverId);
  if (!cutover) return { ok: false, text: 'That cutover no longer exists.' };
  const refused = await allowed(deps, cutover, input.userId, input.choice === 'abort' ? 'abort' : PERMISSION[cutover.kind], `${input.choice} at ${input.action} of cutover #${cutover.id}`);
  if (refused) return { ok: false, text: refused };
  if (cutover.status !== 'running' && cutover.status !== 'queued') return { ok: false, text: `${cutover.kind} #${cutover.id} is ${cutover.status}: too late to choose.` };
  const decided = await deps.store.cutovers.decideThreshold({ cutoverId: cutover.id, action: input.action, decision: input.choice, userId: input.userId, now: deps.clock.now() });
  if (!decided) return { ok: false, text: 'Someone already answered this threshold.' };
  if (input.choice === 'abort') await deps.store.cutovers.requestAbort(cutover.id, input.userId, `Abort at ${input.action.replace(/_/g, ' ')}`, deps.clock.now());
  await deps.store.audit.append({ actor: input.userId, action: AUDIT.cutoverThresholdDecided, planId: cutover.planId, checkpointId: cutover.checkpointId, details: { cutover: cutover.id, threshold: input.action, decision: input.choice } });
  const cp = cutoverPlanOf(deps.plans, cutover.planId);
  const t = cp.thresholds.find((x) => x.action === input.action);
  const channel = decided.channelId ?? channelOf(deps, cutover.channelId);
  if (t && channel) {
    const view = thresholdCardView({
      title: titleOf(cp, cutover),
      cutoverId: cutover.id,
      action: input.action,
      afterMs: t.afterMs,
      source: t.source,
      elapsedMs: t.afterMs,
      currentStep: cutover.currentStep ?? undefined,
      decision: { choice: input.choice, by: input.userId, at: deps.clock.now() },
      roleTitle: cp.plan.roles[CONFIRM_ROLE]?.title ?? 'DBA',
      timeZone: cp.plan.time_zone,
    });
    await deps.slack.upsert(thresholdKey(cutover.id, input.action), 'cutover-threshold', channel, view).catch(() => {});
  }
  return { ok: true, text: input.choice === 'continue' ? 'Recorded: the cutover continues.' : 'Recorded: the cutover stops at its next safe point and rolls back.' };
}

/** A manual item of a phase, confirmed by a holder of the role the plan names for it. */
export async function confirmItem(deps: CutoverDeps, input: { cutoverId: number; phase: string; index: number; userId: string }): Promise<ControlAnswer> {
  const cutover = await deps.store.cutovers.get(input.cutoverId);
  if (!cutover) return { ok: false, text: 'That cutover no longer exists.' };
  const cp = cutoverPlanOf(deps.plans, cutover.planId);
  const item = cp.spec.phases.find((p) => p.id === input.phase)?.items[input.index];
  if (!item || item.kind !== 'manual') return { ok: false, text: 'That is not a manual item of this cutover.' };
  if (item.role && !(await deps.roles.holds(input.userId, item.role))) {
    await deps.store.audit.append({ actor: input.userId, action: AUDIT.permissionRefused, planId: cutover.planId, checkpointId: cutover.checkpointId, details: { command: 'cutover item', needed: [item.role], attempted: item.text } });
    return { ok: false, text: `Only ${cp.plan.roles[item.role]?.title ?? item.role} may confirm “${item.text}”.` };
  }
  const confirmed = await deps.store.cutovers.confirmItem({ cutoverId: cutover.id, phase: input.phase, itemIndex: input.index, userId: input.userId, now: deps.clock.now() });
  if (!confirmed) return { ok: false, text: `“${item.text}” was already confirmed (or is not reached yet).` };
  await deps.store.audit.append({ actor: input.userId, action: AUDIT.cutoverItemConfirmed, planId: cutover.planId, checkpointId: cutover.checkpointId, details: { cutover: cutover.id, phase: input.phase, item: item.text } });
  return { ok: true, text: `Recorded: “${item.text}” confirmed by you.` };
}

/** Resume (from the step the inspection named) or roll back an interrupted cutover: a DBA's decision. */
export async function decideInterrupted(deps: CutoverDeps, input: { cutoverId: number; choice: 'resume' | 'rollback'; fromStep?: string | undefined; userId: string; triggerId: string }): Promise<ControlAnswer> {
  const cutover = await deps.store.cutovers.get(input.cutoverId);
  if (!cutover) return { ok: false, text: 'That cutover no longer exists.' };
  const refused = await allowed(deps, cutover, input.userId, input.choice === 'rollback' ? 'rollback' : PERMISSION[cutover.kind], `${input.choice} interrupted cutover #${cutover.id}`);
  if (refused) return { ok: false, text: refused };
  const requeued = await deps.store.cutovers.requeue(cutover.id);
  if (!requeued) return { ok: false, text: `${cutover.kind} #${cutover.id} is ${cutover.status}: someone already decided.` };
  await deps.queues.enqueue(
    'cutover-run',
    { cutoverId: cutover.id, mode: input.choice, fromStep: input.fromStep, requestKey: `${input.choice}-${cutover.id}-${input.triggerId}` },
    { jobId: `cutover-${cutover.id}-${input.choice}-${input.triggerId}`, attempts: 1 },
  );
  await deps.store.audit.append({ actor: input.userId, action: input.choice === 'resume' ? AUDIT.cutoverResumeChosen : AUDIT.cutoverRollbackChosen, planId: cutover.planId, checkpointId: cutover.checkpointId, details: { cutover: cutover.id, from_step: input.fromStep ?? null } });
  const card = cutover.detail.interrupted_card as InterruptedCardInput | undefined;
  const channel = channelOf(deps, cutover.channelId);
  const key = cutover.detail.interrupted_key as string | undefined;
  if (card && channel && key) {
    await deps.slack.upsert(key, 'cutover-interrupted', channel, interruptedCardView({ ...card, state: input.choice === 'resume' ? 'resuming' : 'rolling_back', actor: input.userId })).catch(() => {});
  }
  return { ok: true, text: input.choice === 'resume' ? `Resuming ${cutover.kind} #${cutover.id}${input.fromStep ? ` (re-running ${input.fromStep})` : ''}.` : `Rolling back ${cutover.kind} #${cutover.id}.` };
}

