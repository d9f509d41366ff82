import { findCheckpoint } from '../plan/schema.js';
import { formatLocal } from '../plan/time.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * Checks of an earlier checkpoint that must have passed in its latest
 * decided run: "Rollback scripts: Ready + tested" before the cutover is the
 * rollback drill of CHECKPOINT 2. A check attested pass by its role counts as
 * passed; one the run did not record (or recorded as error, skipped,
 * pending) does not. Reads the state DB only.
 */
export const priorResultCheck = defineCheck({
  type: 'prior_result',
  defaultTimeoutMs: 15_000,
  async run(params, ctx): Promise<RawOutcome> {
    const evidence: Record<string, unknown> = { checkpoint: params.checkpoint, checks: params.checks };
    if (!ctx.history) return { status: 'error', observed: {}, evidence, message: 'this process has no state DB to read earlier runs from' };
    const cp = findCheckpoint(ctx.plan, params.checkpoint);
    if (!cp) return { status: 'error', observed: {}, evidence, message: `the plan has no checkpoint ${params.checkpoint}` };

    const run = await ctx.history.latestDecided(ctx.plan.id, params.checkpoint);
    if (!run) {
      return { status: 'fail', observed: { passed: 0, failed: params.checks.length }, evidence, message: `${params.checkpoint} has no decided run yet: run it first (\`/golive ${params.checkpoint} run\`)` };
    }
    const results = new Map((await ctx.history.results(run.id)).map((r) => [r.checkId, r]));
    const attested = new Map((await ctx.history.attestations(run.id)).map((a) => [a.checkId, a]));
    const per = params.checks.map((checkId) => {
      const r = results.get(checkId);
      const a = attested.get(checkId);
      const status = r?.status === 'pass' || a?.outcome === 'pass' ? 'pass' : (r?.status ?? (a ? `attested ${a.outcome}` : 'not recorded'));
      return { check: checkId, status, message: r?.message ?? a?.note ?? null };
    });
    const failed = per.filter((p) => p.status !== 'pass');
    const observed = { passed: per.length - failed.length, failed: failed.length };
    const when = formatLocal(run.finishedAt ?? run.startedAt, ctx.plan.time_zone, false);
    Object.assign(evidence, { run: { id: run.id, number: run.number, decision: run.decision, finished_at: run.finishedAt?.toISOString() ?? null }, results: per });
    const ofRun = `in ${params.checkpoint} run #${run.number} (${run.decision}, ${when})`;
    if (failed.length === 0) return { status: 'pass', observed, evidence, message: `${per.length} of ${per.length} passed ${ofRun}` };
    return {
      status: 'fail',
      observed,
      evidence,
      message: `${failed.length} of ${per.length} not passed ${ofRun}: ${failed.map((f) => `${f.check} ${f.status}`).join(', ')}`,
    };
  },
});
