import { describeError } from '../errors.js';
import { levelsFor, severityOf } from '../incidents/escalation.js';
import type { CheckParams } from '../plan/check-types.js';
import { parseDuration } from '../plan/duration.js';
import { findCheckpoint, type Plan } from '../plan/schema.js';
import { formatLocal, resolveMoment, type MomentContext } from '../plan/time.js';
import type { IncidentRecord } from '../store/incidents.js';
import { defineCheck, type CheckContext, type RawOutcome } from './types.js';

/**
 * golive's own records, counted since a point (cp4's "Zero critical
 * incidents", "Unplanned incidents: 0", "Rollback attempts: 0",
 * "Escalations: 0"):
 *   incidents       incidents opened since then (of the given severities)
 *   open_incidents  those of them not resolved yet
 *   rollbacks       executions of the rollback file on the environment
 *   escalations     incidents that called more than the first escalation
 *                   level, and runs that decided an outcome escalating to
 *                   named roles (cp2's NO-GO, cp4's ISSUE RESOLUTION REQUIRED)
 * With expectations the plan judges the count; without, any count fails.
 */

type Params = CheckParams<'incidents'>;

export const incidentsCheck = defineCheck({
  type: 'incidents',
  defaultTimeoutMs: 30_000,
  async run(params, ctx): Promise<RawOutcome> {
    const reader = ctx.stability;
    const base = { count: params.count, since: params.since, ...(params.severities ? { severities: params.severities } : {}) };
    if (!reader) return { status: 'error', observed: {}, evidence: base, message: "this golive gave the check no access to its incident records" };
    try {
      const moments = reader.momentContext(ctx.plan.id);
      const since = sinceOf(params, ctx, moments);
      const now = ctx.clock.now();
      const severities = params.severities?.map((level) => severityOf(ctx.plan, level)?.name ?? `SEV${level}`);
      const sinceText = formatLocal(since, ctx.plan.time_zone, true);
      let count: number;
      let listed: IncidentRecord[] = [];
      let what: string;
      switch (params.count) {
        case 'incidents':
        case 'open_incidents': {
          listed = await reader.incidents({ planId: ctx.plan.id, severities, since, until: now, openOnly: params.count === 'open_incidents' });
          count = listed.length;
          what = `${params.count === 'open_incidents' ? 'open ' : ''}${severities ? `${severities.join('/')} ` : ''}incident${count === 1 ? '' : 's'}`;
          break;
        }
        case 'rollbacks':
          count = await reader.rollbackAttempts(ctx.plan.id, ctx.environment, since);
          what = `rollback attempt${count === 1 ? '' : 's'} on ${ctx.environment}`;
          break;
        case 'escalations': {
          const all = await reader.incidents({ planId: ctx.plan.id, since, until: now });
          listed = all.filter((i) => escalated(ctx.plan, i));
          const runs = await reader.escalatingRuns(ctx.plan.id, since, escalatingOutcomes(ctx.plan));
          count = listed.length + runs;
          what = `escalation${count === 1 ? '' : 's'} (${listed.length} incident${listed.length === 1 ? '' : 's'} beyond level 1, ${runs} decision${runs === 1 ? '' : 's'} escalating)`;
          break;
        }
      }
      const evidence = {
        ...base,
        since_at: since.toISOString(),
        incidents: listed.slice(0, 20).map((i) => ({
          id: i.id,
          severity: i.severity,
          text: i.text.slice(0, 200),
          opened_at: i.openedAt.toISOString(),
          opened_by: i.openedBy,
          resolved_at: i.resolvedAt?.toISOString() ?? null,
        })),
      };
      const openCritical = listed.filter((i) => !i.resolvedAt && severityOf(ctx.plan, i.severity)?.class === 'critical');
      const detail = listed.length ? `: ${listed.slice(0, 3).map((i) => `#${i.id} ${i.severity}${i.resolvedAt ? ' (resolved)' : ' (open)'}`).join(', ')}${listed.length > 3 ? '…' : ''}` : '';
      const message = `${count} ${what} since ${sinceText}${detail}${openCritical.length ? `; ${openCritical.length} critical still open` : ''}`;
      const judgedByPlan = (ctx.expectations?.length ?? 0) > 0;
      return { status: judgedByPlan || count === 0 ? 'pass' : 'fail', observed: { count }, evidence, message };
    } catch (err) {
      return { status: 'error', observed: {}, evidence: base, message: `could not count ${params.count}: ${describeError(err)}` };
    }
  },
});

function sinceOf(params: Params, ctx: CheckContext, moments: MomentContext): Date {
  const cp = findCheckpoint(ctx.plan, ctx.checkpointId);
  switch (params.since) {
    case 'monitoring_start': {
      const period = cp?.monitoring?.period ?? ctx.plan.checkpoints.find((c) => c.monitoring)?.monitoring?.period;
      return resolveMoment(period?.start ?? cp?.window.start ?? ctx.plan.checkpoints[0]!.window.start, moments);
    }
    case 'checkpoint_window':
      return resolveMoment(cp?.window.start ?? ctx.plan.checkpoints[0]!.window.start, moments);
    case 'plan_start':
      if (moments.start) return moments.start;
      return resolveMoment(ctx.plan.document?.period.start ?? ctx.plan.checkpoints[0]!.window.start, moments);
    default:
      return new Date(ctx.clock.now().getTime() - parseDuration(params.since));
  }
}

function escalated(plan: Plan, incident: IncidentRecord): boolean {
  if (incident.levels !== null) return incident.levels > 1;
  const severity = severityOf(plan, incident.severity);
  return severity ? levelsFor(plan, severity).length > 1 : false;
}

function escalatingOutcomes(plan: Plan): { checkpointId: string; outcomeIds: string[] }[] {
  return plan.checkpoints.map((cp) => ({
    checkpointId: cp.id,
    outcomeIds: cp.decisions.flatMap((d) => d.outcomes.filter((o) => o.escalate_to.length > 0).map((o) => o.id)),
  }));
}
