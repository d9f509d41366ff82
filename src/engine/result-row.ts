import type { CheckOutcome } from '../checks/types.js';
import type { CheckResultRecord } from '../store/runs.js';

/**
 * A check's outcome as a run records it: no expectations stored as null,
 * the duration in whole milliseconds, and the evidence tagged with where it
 * was measured (`tags`: the environment, the cutover). One shape for the
 * engine's check jobs, the pre-cutover slots and the cutover's validation.
 */
export function resultRow(
  runId: number,
  checkId: string,
  criterionId: string | undefined,
  outcome: CheckOutcome,
  tags: Record<string, unknown>,
): Omit<CheckResultRecord, 'recordedAt'> {
  return {
    runId,
    checkId,
    criterionId: criterionId ?? '',
    status: outcome.status,
    observed: outcome.observed,
    expected: outcome.expected.length ? outcome.expected : null,
    message: outcome.message,
    evidence: { ...tags, ...outcome.evidence },
    durationMs: Math.round(outcome.durationMs),
  };
}
