import type { SlackPoster } from '../slack/poster.js';
import { signoffDepsOf } from './deps.js';
import { signoffServiceFor, type SignoffService } from './service.js';
import { judgeGate, type GateVerdict } from './gate.js';
import { loadCheckpointState, type StateDeps } from './state.js';

export type { SignoffService } from './service.js';
export { judgeGate, type GateFacts, type GateVerdict } from './gate.js';
export { announceGateIfOpen } from './announce.js';
export { loadCheckpointState, type CheckpointSignoffState, type StateDeps } from './state.js';
export { AUDIT } from '../audit/actions.js';
export { requirePermission } from '../require-permission.js';

/**
 * Is the gate after this checkpoint open now? (e.g. `cp3 start` asking about
 * cp2). undefined: plan or checkpoint unknown; { open: false } when no run.
 */
export async function checkpointGate(deps: StateDeps, planId: string, checkpointId: string): Promise<GateVerdict | undefined> {
  const plan = deps.plans.get(planId);
  const cp = plan?.checkpoints.find((c) => c.id === checkpointId);
  if (!plan || !cp) return undefined;
  const state = await loadCheckpointState(deps, plan, cp);
  return state?.gate ?? judgeGate({ plan, checkpoint: cp, run: undefined, evidence: undefined, signoffs: [], attestations: [], documentsReady: false });
}

/**
 * The process's sign-off service for a poster (web: commands and buttons share
 * it; a worker builds its own from its poster).
 */
export function signoffServiceOf(
  core: Parameters<typeof signoffDepsOf>[0],
  slack: SlackPoster,
): SignoffService {
  return signoffServiceFor(slack, () => signoffDepsOf(core, slack));
}
