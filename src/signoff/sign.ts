import { AUDIT } from '../audit/actions.js';
import type { PoolClient } from '../db/pool.js';
import { findCheckpoint, type Checkpoint, type Plan } from '../plan/schema.js';
import { shortTime } from '../slack/views/signoff-card.js';
import type { RunRecord } from '../store/runs.js';
import type { SignoffRecord } from '../store/signoffs.js';
import { commandHint, type SignoffDeps } from './deps.js';
import { evidenceOfRun } from './evidence.js';
import { allowsSamePersonMultipleRoles } from './gate.js';
import { withRunLock } from '../engine/run-lock.js';

/**
 * A click on "Sign off as …" or "Withdraw". The button's value only names a
 * run and a role (or a sign-off id); both are looked up again in the state DB
 * and checked against the plan, the latest run and the clicker's roles.
 * Answers are one plain sentence for the clicker (ephemeral). `changed` says
 * whether the card and the gate need a refresh.
 */
export interface ClickAnswer {
  text: string;
  changed?: { planId: string; checkpointId: string } | undefined;
}

interface Target {
  plan: Plan;
  cp: Checkpoint;
  run: RunRecord;
}

export async function signClick(deps: SignoffDeps, userId: string, rawValue: string | undefined): Promise<ClickAnswer> {
  const value = parseJson(rawValue);
  const runId = typeof value?.run === 'number' ? value.run : undefined;
  const role = typeof value?.role === 'string' ? value.role : undefined;
  if (runId === undefined || role === undefined) return { text: unknownButton() };
  const target = await loadTarget(deps, runId);
  if ('text' in target) return target;
  const { plan, cp, run } = target;
  const title = roleTitle(plan, role);
  const refuse = async (reason: string, text: string, details: Record<string, unknown> = {}): Promise<ClickAnswer> => {
    await deps.store.audit.append({ actor: userId, action: AUDIT.signoffRefused, planId: plan.id, checkpointId: cp.id, runId: run.id, details: { role, reason, runNumber: run.number, ...details } });
    return { text };
  };

  if (!cp.signoffs.some((s) => s.role === role)) return { text: `${cp.id} needs no sign-off from the role "${role}" (it needs ${cp.signoffs.map((s) => roleTitle(plan, s.role)).join(', ')}).` };
  const latest = await deps.store.runs.latest(plan.id, cp.id);
  if (latest && latest.id !== run.id) {
    return refuse(
      'superseded',
      `This card is for run #${run.number} of ${cp.id}, and run #${latest.number} is newer: sign-offs bind to the newest run's evidence. Use its card (${commandHint(deps.plans, plan.id, `${cp.id} signoff`)}).`,
      { latestRun: latest.number },
    );
  }
  const evidence = evidenceOfRun(cp, run);
  if (!evidence.signable) {
    return { text: `Run #${run.number} of ${cp.id} decided ${evidence.label}: sign-offs approve a GO${evidence.kind === 'go' ? ' of the decision that opens the next checkpoint' : ''}, so there is nothing to sign.` };
  }
  if (!(await deps.roles.holds(userId, role))) {
    const held = await deps.roles.rolesOf(userId);
    return refuse(
      'not_role_holder',
      `Only a holder of ${title} can sign this: ${holdersText(deps, role)}. You hold ${held.length ? held.map((r) => roleTitle(plan, r)).join(', ') : 'no role'} in ${plan.id}.`,
      { held },
    );
  }

  const outcome = await inTransaction(deps, run.id, async (client) => {
    const live = await deps.store.signoffs.liveForRun(run.id, client);
    const existing = live.find((s) => s.role === role);
    if (existing) return { kind: 'already' as const, existing };
    if (!allowsSamePersonMultipleRoles(plan, cp)) {
      const mine = live.find((s) => s.userId === userId && cp.signoffs.some((r) => r.role === s.role));
      if (mine) return { kind: 'four_eyes' as const, mine };
    }
    if (userId === run.startedBy) {
      const requiredLive = live.filter((s) => cp.signoffs.some((r) => r.role === s.role));
      const rolesAfter = new Set([...requiredLive.map((s) => s.role), role]);
      const completes = cp.signoffs.every((r) => rolesAfter.has(r.role));
      if (completes && requiredLive.every((s) => s.userId === userId)) return { kind: 'only_approver' as const };
    }
    const inserted = await deps.store.signoffs.insert(
      { planId: plan.id, checkpointId: cp.id, runId: run.id, role, userId, evidenceDigest: run.evidenceDigest!, at: deps.clock.now() },
      client,
    );
    if (!inserted) return { kind: 'raced' as const };
    await deps.store.audit.append(
      { actor: userId, action: AUDIT.signoffSigned, planId: plan.id, checkpointId: cp.id, runId: run.id, details: { role, runNumber: run.number, evidenceDigest: run.evidenceDigest, signoffId: inserted.id } },
      client,
    );
    return { kind: 'signed' as const, signoff: inserted };
  });

  const zone = plan.time_zone;
  const now = deps.clock.now();
  switch (outcome.kind) {
    case 'signed':
      return { text: `✅ You signed ${cp.id} run #${run.number} as ${title} (evidence \`${run.evidenceDigest!.slice(0, 12)}\`).`, changed: { planId: plan.id, checkpointId: cp.id } };
    case 'already':
      return { text: alreadySigned(outcome.existing, userId, title, run, zone, now) };
    case 'raced': {
      const existing = (await deps.store.signoffs.liveForRun(run.id)).find((s) => s.role === role);
      return { text: existing ? alreadySigned(existing, userId, title, run, zone, now) : `${title} is already signed for run #${run.number}.` };
    }
    case 'four_eyes':
      return refuse(
        'four_eyes',
        `You already signed run #${run.number} of ${cp.id} as ${roleTitle(plan, outcome.mine.role)}; four eyes: one person signs one role of a checkpoint run. Ask another holder of ${title} (${holdersText(deps, role)}).`,
        { signedRole: outcome.mine.role },
      );
    case 'only_approver':
      return refuse(
        'only_approver',
        `You started run #${run.number} of ${cp.id}, so you cannot be its only approver: another person must sign at least one of its roles. Ask another holder of ${title} (${holdersText(deps, role)}).`,
      );
  }
}

export async function withdrawClick(deps: SignoffDeps, userId: string, rawValue: string | undefined): Promise<ClickAnswer> {
  const value = parseJson(rawValue);
  const signoffId = typeof value?.signoff === 'number' ? value.signoff : undefined;
  if (signoffId === undefined) return { text: unknownButton() };
  const signoff = await deps.store.signoffs.get(signoffId);
  if (!signoff) return { text: 'golive has no record of that sign-off; post a fresh card with `/golive cpN signoff`.' };
  const target = await loadTarget(deps, signoff.runId);
  if ('text' in target) return target;
  const { plan, cp, run } = target;
  const title = roleTitle(plan, signoff.role);
  if (signoff.withdrawnAt) {
    return { text: `That ${title} sign-off for run #${run.number} was already withdrawn (${shortTime(signoff.withdrawnAt, plan.time_zone, deps.clock.now())}); nothing to do.` };
  }
  if (signoff.userId !== userId) {
    await deps.store.audit.append({ actor: userId, action: AUDIT.signoffRefused, planId: plan.id, checkpointId: cp.id, runId: run.id, details: { role: signoff.role, reason: 'not_signer', signoffId } });
    return { text: `Only <@${signoff.userId}> can withdraw their ${title} sign-off.` };
  }
  const latest = await deps.store.runs.latest(plan.id, cp.id);
  if (latest && latest.id !== run.id) {
    return { text: `This sign-off is for run #${run.number} of ${cp.id}, and run #${latest.number} is newer: it no longer counts, so there is nothing to withdraw.` };
  }
  const withdrawn = await inTransaction(deps, run.id, async (client) => {
    const done = await deps.store.signoffs.withdraw(signoffId, userId, deps.clock.now(), client);
    if (done) {
      await deps.store.audit.append(
        { actor: userId, action: AUDIT.signoffWithdrawn, planId: plan.id, checkpointId: cp.id, runId: run.id, details: { role: done.role, runNumber: run.number, signoffId } },
        client,
      );
    }
    return done;
  });
  if (!withdrawn) return { text: `That ${title} sign-off for run #${run.number} was already withdrawn; nothing to do.` };
  return { text: `You withdrew your ${title} sign-off for ${cp.id} run #${run.number}. You can sign again from the card.`, changed: { planId: plan.id, checkpointId: cp.id } };
}

/** The run a button points at, with its plan and checkpoint as loaded now, or a plain answer why not. */
export async function loadTarget(deps: SignoffDeps, runId: number): Promise<Target | ClickAnswer> {
  const run = await deps.store.runs.get(runId);
  if (!run) return { text: 'golive has no record of that run; post a fresh card with `/golive cpN signoff`.' };
  const plan = deps.plans.get(run.planId);
  if (!plan) return { text: `Plan ${run.planId} is no longer loaded in this golive, so nothing can be signed or changed for it.` };
  const cp = findCheckpoint(plan, run.checkpointId);
  if (!cp) return { text: `Plan ${plan.id} no longer has checkpoint ${run.checkpointId}, so nothing can be signed for it.` };
  return { plan, cp, run };
}

/**
 * Sign-offs of one run are serialised by an advisory lock held for the
 * transaction, so the four-eyes rule sees every earlier sign-off; the unique
 * index still decides "one live sign-off per role" whatever happens.
 */
function inTransaction<T>(deps: SignoffDeps, runId: number, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return withRunLock(deps.store.pool, 'signoff', runId, work);
}

function alreadySigned(existing: SignoffRecord, userId: string, title: string, run: RunRecord, zone: string, now: Date): string {
  const when = shortTime(existing.signedAt, zone, now);
  return existing.userId === userId
    ? `You already signed run #${run.number} as ${title} (${when}); nothing changed.`
    : `${title} is already signed for run #${run.number} by <@${existing.userId}> (${when}); nothing changed.`;
}

export function holdersText(deps: Pick<SignoffDeps, 'roles'>, role: string): string {
  const h = deps.roles.holdersOf(role);
  const people = [...h.users.map((u) => `<@${u}>`), ...h.usergroups.map((g) => `<!subteam^${g}>`)];
  return people.length ? people.join(', ') : 'nobody holds it in the roles file';
}

export function roleTitle(plan: Plan, role: string): string {
  return plan.roles[role]?.title ?? role;
}

function unknownButton(): string {
  return 'golive does not recognise this button; post a fresh card with `/golive cpN signoff`.';
}

export function parseJson(raw: string | undefined): Record<string, unknown> | undefined {
  if (!raw || raw.length > 2000) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
