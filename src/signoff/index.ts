import type { SlackPoster } from '../slack/poster.js';
import { signoffDepsOf } from './deps.js';
import { signoffServiceFor, type SignoffService } from './service.js';

export type { SignoffService } from './service.js';
export { judgeGate, type GateFacts, type GateVerdict } from './gate.js';
export { announceGateIfOpen } from './announce.js';
export { loadCheckpointState, type CheckpointSignoffState } from './state.js';

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
