import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { PlanRegistry } from '../plan-registry.js';
import type { Store } from '../store/index.js';
import type { RunCards } from './cards.js';
import { decisionDetail } from './decide-run.js';
import { evidenceDigest } from './digest.js';
import { withRunLock } from './run-lock.js';
import { loadRunState } from './run-state.js';
import { criterionOfChecks } from '../plan/schema.js';

export interface FinalizeDeps {
  store: Store;
  plans: PlanRegistry;
  cards: RunCards;
  clock: Clock;
  logger: Logger;
}

/**
 * The flow's parent: every check job has finished (or failed for good).
 * A check without a result is recorded as an error, so a lost job can never
 * pass; then the decision, the evidence digest and the final card.
 * Idempotent: a second delivery finds the run finished and only redraws.
 */
export async function finalizeRun(deps: FinalizeDeps, runId: number): Promise<{ decision?: string; digest?: string }> {
  const outcome = await withRunLock(deps.store.pool, 'decide', runId, async () => {
    const before = await loadRunState(deps, runId);
    if (!before) return {};
    if (before.run.status !== 'running') return { decision: before.run.decision ?? undefined, digest: before.run.evidenceDigest ?? undefined };
    const recorded = new Set(before.stored.map((r) => r.checkId));
    const criterionOf = criterionOfChecks(before.checkpoint);
    for (const check of before.checks.filter((c) => !recorded.has(c.id))) {
      await deps.store.runs.recordResult({
        runId,
        checkId: check.id,
        criterionId: criterionOf.get(check.id) ?? '',
        status: 'error',
        observed: {},
        expected: null,
        message: 'the check’s job failed on every attempt; see the worker log',
        evidence: {},
        durationMs: null,
      });
    }
    const state = (await loadRunState(deps, runId))!;
    const digest = evidenceDigest(state.stored, state.checks);
    await deps.store.runs.finish(runId, {
      status: 'complete',
      decision: state.decision.label,
      decisionKind: state.decision.kind,
      decisionDetail: decisionDetail(state.decision),
      evidenceDigest: digest,
      now: deps.clock.now(),
    });
    await deps.store.audit.append({
      actor: 'golive',
      action: 'run.decided',
      planId: state.plan.id,
      checkpointId: state.checkpoint.id,
      runId,
      details: { decision: state.decision.label, kind: state.decision.kind, digest, summary: state.decision.summary },
    });
    deps.logger.info({ runId, decision: state.decision.label, digest }, 'run decided');
    return { decision: state.decision.label, digest };
  });
  await deps.cards.refresh(runId);
  return outcome;
}
