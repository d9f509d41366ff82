import type { Decision } from '../decision/types.js';

/** What is stored with the run about its decision: enough to explain it without the plan. */
export function decisionDetail(decision: Decision): Record<string, unknown> {
  const refs = (list: { checkId: string; reason?: string | undefined }[]) => list.map((r) => ({ check: r.checkId, reason: r.reason ?? null }));
  return {
    summary: decision.summary,
    phase: decision.phase,
    outcome: decision.outcome?.id ?? null,
    provisional: decision.provisional?.id ?? null,
    failed_criteria: decision.failedCriteria.map((c) => c.criterionId),
    incomplete_criteria: decision.incompleteCriteria.map((c) => c.criterionId),
    fired_triggers: decision.firedTriggers.map((t) => ({ trigger: t.triggerId, reasons: t.reasons })),
    pending: refs(decision.pendingChecks),
    skipped: refs(decision.skippedChecks),
    errored: refs(decision.erroredChecks),
    next: decision.next ?? null,
  };
}
