import type { Checkpoint, Plan } from '../plan/schema.js';
import { loadCheckpointState } from '../signoff/state.js';
import type { RunRecord } from '../store/runs.js';
import type { CutoverDeps } from './deps.js';
import { preCutoverPhase } from './plan.js';

export type Readiness = { ok: true; reasons: string[]; preCutoverRun?: RunRecord | undefined } | { ok: false; problems: string[] };

/**
 * May the production cutover start? Two things, both read from the state DB:
 *  - the checkpoint before it passed its gate (DESIGN.md, "Decision details"):
 *    its latest run decided GO, every required role signed that run, every
 *    manual check is attested;
 *  - the latest pre-cutover evaluation decided PROCEED (a go outcome of the
 *    pre-cutover decision), and no production attempt came after it (after
 *    a rollback the pre-cutover checks are taken again).
 */
export async function cutoverReadiness(deps: CutoverDeps, plan: Plan, cp: Checkpoint): Promise<Readiness> {
  const problems: string[] = [];
  const reasons: string[] = [];
  const index = plan.checkpoints.findIndex((c) => c.id === cp.id);
  const previous = index > 0 ? plan.checkpoints[index - 1] : undefined;
  if (previous) {
    // The gate is judged exactly as the sign-off card judges it (documents included); nothing is posted from here.
    const state = await loadCheckpointState({ store: deps.store, plans: deps.plans, logger: deps.logger }, plan, previous);
    if (!state) problems.push(`${previous.id.toUpperCase()} has no run yet: it must pass its gate first`);
    else if (!state.gate.open) problems.push(`${previous.id.toUpperCase()} has not passed its gate: ${state.gate.blockers.join('; ')}`);
    else reasons.push(`${previous.id.toUpperCase()} passed its gate: run #${state.run.number} ${state.evidence.label}, signed by ${state.gate.counted.map((s) => `<@${s.userId}>`).join(', ')}`);
  }

  const phase = preCutoverPhase(cp);
  const pre = await latestPhaseRun(deps, plan.id, cp.id, phase);
  const lastAttempt = await deps.store.cutovers.latestFinished(plan.id);
  if (!pre) problems.push(`no pre-cutover evaluation yet: \`/golive ${cp.id} run\` (or wait for the timeline's decision point)`);
  else if (pre.status !== 'complete' || pre.decisionKind !== 'go') {
    problems.push(`the latest pre-cutover evaluation (${cp.id} run #${pre.number}) decided ${pre.decision ?? pre.status}, not PROCEED`);
  } else if (lastAttempt && lastAttempt.createdAt > pre.startedAt) {
    problems.push(`the PROCEED of ${cp.id} run #${pre.number} came before cutover #${lastAttempt.id} (${lastAttempt.finalState}): evaluate the pre-cutover checks again`);
  } else reasons.push(`pre-cutover decision ${pre.decision} (${cp.id} run #${pre.number})`);
  return problems.length ? { ok: false, problems } : { ok: true, reasons, preCutoverRun: pre };
}

/** The latest run of a checkpoint decided (or being decided) by one phase's decision. */
export async function latestPhaseRun(deps: Pick<CutoverDeps, 'store'>, planId: string, checkpointId: string, phase: string): Promise<RunRecord | undefined> {
  const { rows } = await deps.store.pool.query(
    `SELECT id FROM runs WHERE plan_id = $1 AND checkpoint_id = $2 AND (decision_detail->>'phase' = $3 OR (status = 'running' AND request_key LIKE 'precutover-%'))
      ORDER BY id DESC LIMIT 1`,
    [planId, checkpointId, phase],
  );
  return rows[0] ? deps.store.runs.get(Number(rows[0].id)) : undefined;
}
