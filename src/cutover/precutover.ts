import { AUDIT } from '../audit/actions.js';
import type { Decision } from '../decision/types.js';
import { decisionDetail } from '../engine/decide-run.js';
import { evidenceDigest } from '../engine/digest.js';
import { loadRunState, toDecisionResults, type RunState } from '../engine/run-state.js';
import { formatDuration } from '../plan/duration.js';
import { criterionOfChecks, rolesAllowed, type Checkpoint, type Plan } from '../plan/schema.js';
import { resultRow } from '../engine/result-row.js';
import { formatLocal, resolveMoment } from '../plan/time.js';
import { rangeMs, rescheduledDates } from '../signoff/evidence.js';
import { precheckView, type PrecheckDecision, type PrecheckSlot } from '../slack/views/cutover-precheck.js';
import { checkLine } from '../slack/views/run-lines.js';
import { RunInProgressError, type RunRecord } from '../store/runs.js';
import type { CutoverDeps } from './deps.js';
import { executePhaseChecks, decidePhase } from './phase-checks.js';
import { cutoverCheckpoint, preCutoverPhase } from './plan.js';
import { latestPhaseRun } from './readiness.js';
import { schedulePreCutover } from './schedule.js';

export interface PrecheckJob {
  planId: string;
  /** The window: 0 for the plan's own times, +24 h after each DELAY. */
  shiftMs: number;
  /** One slot of the timeline; absent: every slot now (`/golive cp3 run`). */
  slotIndex?: number | undefined;
  /** On demand: who asked, where, and the command's key. */
  userId?: string | undefined;
  channelId?: string | undefined;
  requestKey?: string | undefined;
}

const DAY_MS = 24 * 3_600_000;

/**
 * The pre-cutover timeline (05:00-13:00 in the seed). Each slot of a window
 * runs its criteria's automated checks into the window's cp3 run (a run of
 * the pre-cutover phase, through the engine's check modules) and posts its
 * checklist; manual items wait for the named role's Attest button. At the
 * decision point (the last slot) the run is decided: PROCEED, or DELAY 24 h
 * with the reasons, and the next day's window is scheduled.
 */
export async function runPrecheckJob(deps: CutoverDeps, job: PrecheckJob): Promise<{ status: string; runId?: number; decision?: string }> {
  const plan = deps.plans.require(job.planId);
  const cp = cutoverCheckpoint(plan);
  const pre = cp.pre_cutover;
  if (!pre) return { status: 'no-pre-cutover' };
  const phase = preCutoverPhase(cp);
  const channel = job.channelId ?? deps.config.channel;

  if (job.slotIndex === undefined) {
    // On demand: one run, every slot at once, decided now.
    const run = await createPrecheckRun(deps, plan, cp, { requestKey: `precutover-ondemand-${job.requestKey ?? Date.now()}`, startedBy: job.userId ?? 'golive', channelId: channel });
    if ('refused' in run) return { status: 'refused' };
    await runChecks(deps, plan, cp, phase, run.id, undefined);
    const decision = await decidePrecheck(deps, plan, cp, run.id);
    if (channel) await drawAll(deps, plan, cp, run.id, channel, 0, decision);
    return { status: 'decided', runId: run.id, decision: decision?.label };
  }

  const window = await deps.store.cutovers.ensureWindow(plan.id, cp.id, job.shiftMs);
  if (window.decidedAt) return { status: 'decided-already' };
  const done = await deps.store.cutovers.latestFinished(plan.id);
  if (done?.finalState === 'completed' && job.shiftMs > 0) return { status: 'cutover-done' };
  let runId = window.runId;
  if (runId === null) {
    const created = await createPrecheckRun(deps, plan, cp, { requestKey: `precutover-${plan.id}-${cp.id}-${job.shiftMs}`, startedBy: 'golive', channelId: channel });
    if ('refused' in created) return { status: 'refused' };
    runId = created.id;
    await deps.store.cutovers.setWindowRun(plan.id, cp.id, job.shiftMs, runId);
  }
  const slot = pre.slots[job.slotIndex];
  if (!slot) return { status: 'no-slot' };
  const last = job.slotIndex === pre.slots.length - 1;
  if (channel) await drawSlot(deps, plan, cp, runId, channel, job.shiftMs, job.slotIndex, 'running');
  await runChecks(deps, plan, cp, phase, runId, last ? undefined : slot.criteria);
  if (channel) await drawSlot(deps, plan, cp, runId, channel, job.shiftMs, job.slotIndex, 'done');
  if (!last) return { status: 'slot-done', runId };

  if (!(await deps.store.cutovers.decideWindow(plan.id, cp.id, job.shiftMs, deps.clock.now()))) return { status: 'decided-already', runId };
  const decision = await decidePrecheck(deps, plan, cp, runId);
  if (decision && decision.kind !== 'go') {
    // DELAY: the same timeline again the next day (scheduled before it is announced).
    const next = job.shiftMs + delayOf(cp);
    await deps.store.cutovers.ensureWindow(plan.id, cp.id, next);
    await schedulePreCutover(deps, { planId: plan.id });
  }
  if (channel && decision) await postDecision(deps, plan, cp, runId, channel, job.shiftMs, decision);
  return { status: 'decided', runId, decision: decision?.label };
}

/** The pre-cutover outcome's DELAY (the plan's reschedule, 24 h by the seed). */
function delayOf(cp: Checkpoint): number {
  const phase = preCutoverPhase(cp);
  const spec = cp.decisions.find((d) => d.phase === phase);
  const nogo = spec?.outcomes.find((o) => o.kind === 'nogo');
  const r = nogo?.reschedule[0];
  return r ? rangeMs(r.delay).min : DAY_MS;
}

async function createPrecheckRun(deps: CutoverDeps, plan: Plan, cp: Checkpoint, input: { requestKey: string; startedBy: string; channelId: string | undefined }): Promise<RunRecord | { refused: string }> {
  try {
    const { run, created } = await deps.store.runs.create({
      planId: plan.id,
      checkpointId: cp.id,
      environment: cp.environment,
      startedBy: input.startedBy,
      requestKey: input.requestKey,
      // No channel on the run: the engine's run card is not posted; the timeline's messages are.
      now: deps.clock.now(),
    });
    if (created) {
      await deps.store.audit.append({ actor: input.startedBy, action: AUDIT.runStarted, planId: plan.id, checkpointId: cp.id, runId: run.id, details: { environment: cp.environment, phase: preCutoverPhase(cp) } });
    }
    return run;
  } catch (err) {
    if (err instanceof RunInProgressError) return { refused: `run #${err.running.number} of ${cp.id} is in progress` };
    throw err;
  }
}

/** Execute the automated checks of these criteria (all of the phase when undefined) that have no result yet, and record them. */
async function runChecks(deps: CutoverDeps, plan: Plan, cp: Checkpoint, phase: string, runId: number, criteriaIds: readonly string[] | undefined): Promise<void> {
  const already = new Set((await deps.store.runs.results(runId)).map((r) => r.checkId));
  const criteria = cp.criteria.filter((c) => c.phase === phase && (!criteriaIds || criteriaIds.includes(c.id)));
  const missing = criteria.filter((c) => c.checks.some((k) => !already.has(k.id))).map((c) => c.id);
  if (missing.length === 0) return;
  const outcomes = await executePhaseChecks(deps, { plan, checkpoint: cp, phase, environment: cp.environment, criteriaIds: missing });
  const criterionOf = criterionOfChecks(cp);
  for (const [checkId, o] of outcomes) {
    if (already.has(checkId)) continue;
    await deps.store.runs.recordResult(resultRow(runId, checkId, criterionOf.get(checkId), o, { environment: o.environment }));
  }
}

/** The pre-cutover decision of a run (once; a later attestation re-decides it through the engine). */
async function decidePrecheck(deps: CutoverDeps, plan: Plan, cp: Checkpoint, runId: number): Promise<Decision | undefined> {
  const state = await loadRunState(deps, runId);
  if (!state) return undefined;
  const phase = preCutoverPhase(cp);
  const decision = decidePhase(plan, cp, phase, toDecisionResults(state.results));
  if (state.run.status !== 'running') return decision;
  const checks = cp.criteria.filter((c) => c.phase === phase).flatMap((c) => c.checks);
  const digest = evidenceDigest(state.stored, checks);
  await deps.store.runs.finish(runId, { status: 'complete', decision: decision.label, decisionKind: decision.kind, decisionDetail: decisionDetail(decision), evidenceDigest: digest, now: deps.clock.now() });
  await deps.store.audit.append({
    actor: 'golive',
    action: AUDIT.runDecided,
    planId: plan.id,
    checkpointId: cp.id,
    runId,
    details: { decision: decision.label, kind: decision.kind, digest, summary: decision.summary, phase },
  });
  return decision;
}

// ---------- messages ----------

function slotWhen(deps: CutoverDeps, plan: Plan, slot: { start: string; end: string }, shiftMs: number): string {
  try {
    const ctx = deps.plans.momentContext(plan.id);
    const start = new Date(resolveMoment(slot.start, ctx).getTime() + shiftMs);
    const end = new Date(resolveMoment(slot.end, ctx).getTime() + shiftMs);
    return `${formatLocal(start, plan.time_zone, false)}–${formatLocal(end, plan.time_zone, false).slice(-5)} ${plan.time_zone}`;
  } catch {
    return `${slot.start}–${slot.end}`;
  }
}

function slotsOf(deps: CutoverDeps, plan: Plan, cp: Checkpoint, state: RunState, shiftMs: number, only?: number, slotState: PrecheckSlot['state'] = 'done'): PrecheckSlot[] {
  const pre = cp.pre_cutover!;
  return pre.slots
    .map((slot, index) => ({ slot, index }))
    .filter(({ index }) => only === undefined || index === only)
    .map(({ slot, index }) => {
      // The decision point lists what it decides on; every other slot its own criteria.
      const criteria = cp.criteria.filter((c) => slot.criteria.includes(c.id));
      const checks = criteria.flatMap((c) => c.checks).map((check) => {
        const result = state.results.get(check.id);
        const pending = check.type === 'manual' && (!result || result.status === 'pending');
        const who = (check.attest_by ?? rolesAllowed(plan, 'attest', cp.id) ?? []).map((r) => plan.roles[r]?.title ?? r).join(' or ') || 'anyone';
        return {
          id: check.id,
          line: pending ? `⏳ *${check.title}* awaiting attestation` : checkLine(check.title, result, plan.time_zone),
          attest: pending ? { value: `${state.run.id}:${check.id}`, who } : undefined,
        };
      });
      return { index, title: slot.title, when: slotWhen(deps, plan, slot, shiftMs), lines: slot.lines, checks, state: slotState };
    });
}

const slotKey = (runId: number, index: number | 'all') => `precutover-${runId}-slot-${index}`;
const decisionKey = (runId: number) => `precutover-${runId}-decision`;

async function drawSlot(deps: CutoverDeps, plan: Plan, cp: Checkpoint, runId: number, channel: string, shiftMs: number, index: number, slotState: PrecheckSlot['state']): Promise<void> {
  const state = await loadRunState(deps, runId);
  if (!state) return;
  const view = precheckView({
    title: `${plan.id.toUpperCase()} · ${cp.id.toUpperCase()} pre-cutover · ${cp.pre_cutover!.slots[index]!.title}`,
    slots: slotsOf(deps, plan, cp, state, shiftMs, index, slotState),
    context: `run #${state.run.number} on ${cp.environment} · times in ${plan.time_zone}`,
  });
  await deps.slack.upsert(slotKey(runId, index), 'precutover-slot', channel, view).catch((err: unknown) => deps.logger.warn({ err }, 'could not post a pre-cutover slot'));
}

async function drawAll(deps: CutoverDeps, plan: Plan, cp: Checkpoint, runId: number, channel: string, shiftMs: number, decision: Decision | undefined): Promise<void> {
  const state = await loadRunState(deps, runId);
  if (!state) return;
  const view = precheckView({
    title: `${plan.id.toUpperCase()} · ${cp.id.toUpperCase()} pre-cutover checks · run #${state.run.number}`,
    slots: slotsOf(deps, plan, cp, state, shiftMs),
    decision: decision && decisionOf(deps, plan, cp, state, decision, shiftMs),
    context: `run #${state.run.number} on ${cp.environment} · started by <@${state.run.startedBy}> · times in ${plan.time_zone}`,
  });
  await deps.slack.upsert(slotKey(runId, 'all'), 'precutover-all', channel, view).catch((err: unknown) => deps.logger.warn({ err }, 'could not post the pre-cutover checks'));
}

async function postDecision(deps: CutoverDeps, plan: Plan, cp: Checkpoint, runId: number, channel: string, shiftMs: number, decision: Decision): Promise<void> {
  const state = await loadRunState(deps, runId);
  if (!state) return;
  const view = precheckView({
    title: `${plan.id.toUpperCase()} · ${cp.id.toUpperCase()} final decision point · ${decision.label}`,
    slots: [],
    decision: decisionOf(deps, plan, cp, state, decision, shiftMs),
    context: `run #${state.run.number} · evidence \`${(state.run.evidenceDigest ?? '').slice(0, 12)}\` · times in ${plan.time_zone}`,
  });
  await deps.slack.upsert(decisionKey(runId), 'precutover-decision', channel, view).catch((err: unknown) => deps.logger.warn({ err }, 'could not post the pre-cutover decision'));
}

function decisionOf(deps: CutoverDeps, plan: Plan, cp: Checkpoint, state: RunState, decision: Decision, shiftMs: number): PrecheckDecision {
  const titleOf = new Map(cp.criteria.flatMap((c) => c.checks.map((k) => [k.id, k.title] as const)));
  const reasons: string[] = [];
  for (const c of decision.failedCriteria) {
    for (const k of c.failedChecks) reasons.push(`❌ ${c.title}: ${checkLine(titleOf.get(k.checkId) ?? k.checkId, state.results.get(k.checkId), plan.time_zone).replace(/^\S+\s/, '')}`);
  }
  for (const k of decision.pendingChecks) reasons.push(`⏳ not attested: ${titleOf.get(k.checkId) ?? k.checkId}`);
  for (const k of decision.skippedChecks) reasons.push(`⏭️ not run: ${titleOf.get(k.checkId) ?? k.checkId} (${k.reason ?? 'skipped'})`);
  for (const t of decision.firedTriggers) reasons.push(`✗ ${t.title}: ${t.reasons.join('; ')}`);
  const go = decision.kind === 'go';
  const nogoOutcome = cp.decisions.find((d) => d.phase === decision.phase)?.outcomes.find((o) => o.kind === 'nogo');
  const outcome = decision.outcome ?? (go ? undefined : nogoOutcome);
  let cutoverAt: string | undefined;
  try {
    cutoverAt = formatLocal(new Date(resolveMoment(cp.cutover!.start, deps.plans.momentContext(plan.id)).getTime() + shiftMs), plan.time_zone, true);
  } catch {
    cutoverAt = undefined;
  }
  const base = deps.clock.now();
  const reschedule = go
    ? []
    : rescheduledDates(outcome?.reschedule ?? [], base).map(({ reschedule: r, earliest }) => `${r.what ?? 'cutover'}: +${formatDuration(rangeMs(r.delay).min)} → ${formatLocal(earliest, plan.time_zone, true)}`);
  return {
    // Not complete at the decision point (an item not attested) is not PROCEED: the seed delays on any issue.
    label: go ? decision.label : decision.kind === 'incomplete' ? `${nogoOutcome?.label ?? 'DELAY'} (not complete)` : decision.label,
    kind: go ? 'go' : decision.kind === 'incomplete' ? 'incomplete' : 'nogo',
    summary: decision.summary,
    reasons,
    actions: outcome?.actions ?? [],
    reschedule,
    cutoverAt: go ? cutoverAt : undefined,
  };
}

/**
 * After a manual pre-cutover check is attested (through the engine, which
 * also re-decides a decided run): redraw the messages that show it.
 */
export async function redrawPrecheck(deps: CutoverDeps, runId: number): Promise<void> {
  const run = await deps.store.runs.get(runId);
  if (!run) return;
  const plan = deps.plans.get(run.planId);
  if (!plan) return;
  const cp = cutoverCheckpoint(plan);
  const windows = await deps.store.cutovers.windows(plan.id, cp.id);
  const shiftMs = windows.find((w) => w.runId === runId)?.shiftMs ?? 0;
  const state = await loadRunState(deps, runId);
  if (!state) return;
  const decision = run.status === 'running' ? undefined : decidePhase(plan, cp, preCutoverPhase(cp), toDecisionResults(state.results));
  const all = await deps.store.messages.get(slotKey(runId, 'all'));
  if (all) await drawAll(deps, plan, cp, runId, all.channelId, shiftMs, decision);
  for (const [index] of cp.pre_cutover?.slots.entries() ?? []) {
    const saved = await deps.store.messages.get(slotKey(runId, index));
    if (saved) await drawSlot(deps, plan, cp, runId, saved.channelId, shiftMs, index, 'done');
  }
  const posted = await deps.store.messages.get(decisionKey(runId));
  if (posted && decision) await postDecision(deps, plan, cp, runId, posted.channelId, shiftMs, decision);
}

/** The latest pre-cutover run of a plan, for `cp3 start`'s refusal text and the status. */
export async function latestPrecheck(deps: CutoverDeps, plan: Plan): Promise<RunRecord | undefined> {
  const cp = cutoverCheckpoint(plan);
  return latestPhaseRun(deps, plan.id, cp.id, preCutoverPhase(cp));
}

