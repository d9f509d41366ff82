import type { Checkpoint, Plan } from '../plan/schema.js';
import { resolveMoment } from '../plan/time.js';
import type { GateOpening } from '../store/gates.js';
import type { MitigationRecord } from '../store/mitigations.js';
import type { RunRecord } from '../store/runs.js';
import type { SignoffRecord } from '../store/signoffs.js';
import type { SignoffDeps } from './deps.js';
import { documentsGeneratedFromRun } from './documents.js';
import { decidedAt, evidenceOfRun, retestDeadline, type RunEvidence } from './evidence.js';
import { allowsSamePersonMultipleRoles, judgeGate, type GateVerdict } from './gate.js';

/** Everything the card and the gate show for a checkpoint's latest run, read from the state DB. */
export interface CheckpointSignoffState {
  plan: Plan;
  checkpoint: Checkpoint;
  run: RunRecord;
  evidence: RunEvidence;
  signoffs: SignoffRecord[];
  stale: { signoff: SignoffRecord; runNumber: number }[];
  mitigations: MitigationRecord[];
  retestDeadline?: Date | undefined;
  gate: GateVerdict;
  opening?: GateOpening | undefined;
  nextAt?: Date | undefined;
  fourEyes: boolean;
}

/** What loading needs (no Slack): Core's store, plans and logger fit. */
export type StateDeps = Pick<SignoffDeps, 'store' | 'plans' | 'logger' | 'documentsReady'>;

/** undefined when the checkpoint has no run yet. */
export async function loadCheckpointState(deps: StateDeps, plan: Plan, cp: Checkpoint): Promise<CheckpointSignoffState | undefined> {
  const run = await deps.store.runs.latest(plan.id, cp.id);
  if (!run) return undefined;
  return loadRunState(deps, plan, cp, run);
}

export async function loadRunState(deps: StateDeps, plan: Plan, cp: Checkpoint, run: RunRecord): Promise<CheckpointSignoffState> {
  const { store } = deps;
  const [results, signoffs, others, attestations, mitigations, opening] = await Promise.all([
    store.runs.results(run.id),
    store.signoffs.liveForRun(run.id),
    store.signoffs.liveOnOtherRuns(plan.id, cp.id, run.id),
    store.attestations.forRun(run.id),
    store.mitigations.forRun(run.id),
    store.gates.get(plan.id, cp.id),
  ]);
  const evidence = evidenceOfRun(cp, run, results);
  const documentsReady = await (deps.documentsReady ?? documentsGeneratedFromRun(deps.store))({ plan, checkpoint: cp, run });
  const gate = judgeGate({ plan, checkpoint: cp, run, evidence, signoffs, attestations, documentsReady });
  const numbers = await runNumbers(deps, [...new Set(others.map((s) => s.runId))]);
  return {
    plan,
    checkpoint: cp,
    run,
    evidence,
    signoffs,
    // Only sign-offs of older runs are stale; a newer run's (a card of an old run) are not shown.
    stale: others.filter((s) => s.runId < run.id).map((signoff) => ({ signoff, runNumber: numbers.get(signoff.runId) ?? 0 })),
    mitigations,
    retestDeadline: evidence.kind === 'conditional' ? (mitigations[0]?.retestDeadline ?? retestDeadline(evidence.outcome, decidedAt(run))) : undefined,
    gate,
    opening,
    nextAt: nextCheckpointTime(deps, plan, gate, evidence),
    fourEyes: !allowsSamePersonMultipleRoles(plan, cp),
  };
}

/** The next checkpoint's time: the outcome's next_at, else the next checkpoint's window start. */
export function nextCheckpointTime(deps: Pick<SignoffDeps, 'plans' | 'logger'>, plan: Plan, gate: GateVerdict, evidence: RunEvidence): Date | undefined {
  const moment = evidence.outcome?.next_at ?? gate.next?.window.start;
  if (!moment) return undefined;
  try {
    return resolveMoment(moment, deps.plans.momentContext(plan.id));
  } catch (err) {
    deps.logger.warn({ err, planId: plan.id }, 'cannot resolve the next checkpoint time');
    return undefined;
  }
}

async function runNumbers(deps: StateDeps, runIds: number[]): Promise<Map<number, number>> {
  if (runIds.length === 0) return new Map();
  const { rows } = await deps.store.pool.query(`SELECT id, number FROM runs WHERE id = ANY($1::bigint[])`, [runIds]);
  return new Map(rows.map((r) => [Number(r.id), Number(r.number)]));
}
