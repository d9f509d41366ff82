import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { RoleResolver } from '../permissions.js';
import type { PlanRegistry } from '../plan-registry.js';
import { allChecks, findCheckpoint, rolesAllowed } from '../plan/schema.js';
import { formatLocal } from '../plan/time.js';
import type { Store } from '../store/index.js';
import type { RunCards } from './cards.js';
import { decisionDetail } from './decide-run.js';
import { withRunLock } from './run-lock.js';
import { loadRunState } from './run-state.js';

export interface AttestDeps {
  plans: PlanRegistry;
  roles: RoleResolver;
  store: Store;
  cards: RunCards;
  clock: Clock;
  logger: Logger;
}

export type AttestResult = { ok: true; message: string } | { ok: false; message: string };

/**
 * A person attests a manual check of a run. Only holders of the roles the
 * check names (attest_by, else the plan's attest permission) may. Recorded
 * once per run and check; a finished run's decision is taken again, since a
 * pending check may have been all that held it back.
 */
export async function attestCheck(deps: AttestDeps, input: { runId: number; checkId: string; userId: string }): Promise<AttestResult> {
  const run = await deps.store.runs.get(input.runId);
  if (!run) return { ok: false, message: 'that run no longer exists.' };
  const plan = deps.plans.get(run.planId);
  const cp = plan && findCheckpoint(plan, run.checkpointId);
  const check = cp && allChecks(cp).find((c) => c.id === input.checkId);
  if (!plan || !cp || !check || check.type !== 'manual') return { ok: false, message: 'that check is not a manual check of this run.' };

  const allowed = check.attest_by ?? rolesAllowed(plan, 'attest', cp.id) ?? [];
  const held = await deps.roles.rolesOf(input.userId);
  const role = allowed.length === 0 ? held[0] ?? 'anyone' : held.find((r) => allowed.includes(r));
  if (!role) {
    const names = allowed.map((r) => plan.roles[r]?.title ?? r).join(' or ');
    return { ok: false, message: `only ${names} may attest “${check.title}”; you hold ${held.length ? held.join(', ') : 'no role'} in ${plan.id}.` };
  }

  const { created, attestation } = await deps.store.attestations.record({ runId: run.id, checkId: check.id, role, userId: input.userId, now: deps.clock.now() });
  if (!created) {
    return { ok: false, message: `“${check.title}” was already attested by <@${attestation.userId}> at ${formatLocal(attestation.attestedAt, plan.time_zone, true)}.` };
  }
  await deps.store.audit.append({ actor: input.userId, action: 'check.attested', planId: plan.id, checkpointId: cp.id, runId: run.id, details: { check: check.id, role } });

  await withRunLock(deps.store.pool, 'decide', run.id, async () => {
    const state = await loadRunState(deps, run.id);
    if (!state || state.run.status !== 'complete') return; // still running: finalize will read the attestation
    if (state.decision.label === state.run.decision) return;
    await deps.store.runs.setDecision(run.id, { decision: state.decision.label, decisionKind: state.decision.kind, decisionDetail: decisionDetail(state.decision) });
    await deps.store.audit.append({ actor: 'golive', action: 'run.redecided', planId: plan.id, checkpointId: cp.id, runId: run.id, details: { decision: state.decision.label, after: `attestation of ${check.id}` } });
  });
  await deps.cards.refresh(run.id);
  return { ok: true, message: `Recorded: “${check.title}” attested by you as ${plan.roles[role]?.title ?? role}.` };
}
