import type { Logger } from '../logger.js';
import type { PlanRegistry } from '../plan-registry.js';
import { findCheckpoint, type Checkpoint, type Plan } from '../plan/schema.js';
import { formatLocal, resolveMoment } from '../plan/time.js';
import { loadCheckpointState, type CheckpointSignoffState } from '../signoff/state.js';
import { probeTimeoutMs } from '../stability/probes.js';
import { summarizeMetrics, summarizeProbes, type MetricsSummary, type ProbeSummary } from '../stability/summarize.js';
import { briefingDaysOf, stabilityWindowsOf, type StabilityWindow } from '../stability/windows.js';
import type { AlertRecord } from '../store/alerts.js';
import type { IncidentRecord } from '../store/incidents.js';
import type { Store } from '../store/index.js';
import type { ProbeKind } from '../store/samples.js';

/**
 * Everything a daily briefing says (the seed's "Daily Reports": uptime,
 * error summary, performance against the baseline, trends, incident log,
 * and golive's open sign-offs and what comes next), read from the state DB
 * at one moment. The view turns it into a message.
 */

export interface BriefingFacts {
  planId: string;
  planTitle: string;
  timeZone: string;
  checkpointId: string;
  checkpointTitle: string;
  /** The listed day's title, or "Briefing on request". */
  title: string;
  source?: string | undefined;
  now: Date;
  nowLabel: string;
  environment: string;
  period?: { start: Date; end: Date; startLabel: string; endLabel: string; state: 'before' | 'during' | 'after'; coveredMs: number } | undefined;
  uptime: { kind: ProbeKind; summary: ProbeSummary }[];
  metrics?: MetricsSummary | undefined;
  baselines: Record<string, number>;
  queryTitles: Record<string, string>;
  openIncidents: IncidentRecord[];
  /** Severity names of the critical class (SEV1, SEV2): they hold cp4's acceptance while open. */
  criticalSeverities: string[];
  incidentsInPeriod: IncidentRecord[];
  openAlerts: AlertRecord[];
  alertsInPeriod: number;
  checkpoints: { id: string; title: string; state?: CheckpointSignoffState | undefined }[];
  next: string[];
}

export interface FactDeps {
  plans: PlanRegistry;
  store: Store;
  logger: Logger;
  /** For the sign-off states (src/signoff); undefined skips them. */
  signoffState?: ((plan: Plan, cp: Checkpoint) => Promise<CheckpointSignoffState | undefined>) | undefined;
}

export async function gatherBriefingFacts(deps: FactDeps, input: { planId: string; checkpointId?: string | undefined; title?: string | undefined; source?: string | undefined; now: Date }): Promise<BriefingFacts> {
  const plan = deps.plans.require(input.planId);
  const moments = deps.plans.momentContext(plan.id);
  const cp = (input.checkpointId ? findCheckpoint(plan, input.checkpointId) : undefined) ?? plan.checkpoints.find((c) => c.monitoring) ?? plan.checkpoints[plan.checkpoints.length - 1]!;
  const now = input.now;
  const tz = plan.time_zone;
  const window: StabilityWindow | undefined = stabilityWindowsOf(plan, moments).find((w) => w.checkpointId === cp.id);

  const facts: BriefingFacts = {
    planId: plan.id,
    planTitle: plan.title,
    timeZone: tz,
    checkpointId: cp.id,
    checkpointTitle: cp.title,
    title: input.title ?? 'Briefing on request',
    source: input.source,
    now,
    nowLabel: formatLocal(now, tz, true),
    environment: window?.environment ?? cp.environment,
    uptime: [],
    baselines: {},
    queryTitles: Object.fromEntries(Object.entries(plan.queries).map(([id, q]) => [id, q.title])),
    openIncidents: [],
    criticalSeverities: plan.incidents.severities.filter((s) => s.class === 'critical').map((s) => s.name),
    incidentsInPeriod: [],
    openAlerts: [],
    alertsInPeriod: 0,
    checkpoints: [],
    next: [],
  };

  if (window) {
    const state = now < window.start ? 'before' : now >= window.end ? 'after' : 'during';
    const to = new Date(Math.min(now.getTime(), window.end.getTime()) - (state === 'after' ? 0 : window.probeEveryMs + probeTimeoutMs(window.probeEveryMs)));
    facts.period = {
      start: window.start,
      end: window.end,
      startLabel: formatLocal(window.start, tz, false),
      endLabel: formatLocal(window.end, tz, true),
      state,
      coveredMs: Math.max(0, to.getTime() - window.start.getTime()),
    };
    if (to > window.start) {
      const rows = await deps.store.samples.list({ planId: plan.id, environment: window.environment, kinds: [...window.probes, 'metrics'], from: window.start, to });
      facts.uptime = window.probes.map((kind) => ({
        kind,
        summary: summarizeProbes(rows.filter((r) => r.kind === kind), { from: window.start, to, everyMs: window.probeEveryMs, anchor: window.start }),
      }));
      facts.metrics = summarizeMetrics(rows.filter((r) => r.kind === 'metrics'));
    }
    for (const b of await deps.store.baselines.forEnvironment(plan.id, window.environment)) facts.baselines[b.queryId] = b.medianMs;
    facts.incidentsInPeriod = await deps.store.incidents.list({ planId: plan.id, since: window.start, until: now });
    facts.alertsInPeriod = (await deps.store.alerts.openedBetween(plan.id, window.start, now)).length;
  }
  facts.openIncidents = await deps.store.incidents.list({ planId: plan.id, openOnly: true });
  facts.openAlerts = await deps.store.alerts.openFor(plan.id);

  for (const c of plan.checkpoints) {
    let state: CheckpointSignoffState | undefined;
    try {
      state = await deps.signoffState?.(plan, c);
    } catch (err) {
      deps.logger.warn({ err, checkpoint: c.id }, 'briefing: could not read the sign-off state');
    }
    facts.checkpoints.push({ id: c.id, title: c.title, state });
  }

  facts.next = nextLines(plan, cp, window, now, moments, deps.logger);
  return facts;
}

export function signoffStateReader(deps: Parameters<typeof loadCheckpointState>[0]) {
  return (plan: Plan, cp: Checkpoint) => loadCheckpointState(deps, plan, cp);
}

function nextLines(plan: Plan, cp: Checkpoint, window: StabilityWindow | undefined, now: Date, moments: ReturnType<PlanRegistry['momentContext']>, logger: Logger): string[] {
  const tz = plan.time_zone;
  const lines: { at: Date; text: string }[] = [];
  const resolve = (moment: string | undefined) => {
    if (!moment) return undefined;
    try {
      return resolveMoment(moment, moments);
    } catch (err) {
      logger.warn({ err, moment }, 'briefing: cannot resolve a plan moment');
      return undefined;
    }
  };
  const nextBriefing = briefingDaysOf(plan, moments).find((d) => d.at > now);
  if (nextBriefing) lines.push({ at: nextBriefing.at, text: `Next briefing: ${nextBriefing.title}` });
  if (window && now < window.start) lines.push({ at: window.start, text: `Monitoring of ${window.environment} starts` });
  if (window && now < window.end) lines.push({ at: window.end, text: `Monitoring period ends` });
  const decideAt = resolve(cp.window.decide_at);
  if (decideAt && decideAt > now) lines.push({ at: decideAt, text: `${cp.id.toUpperCase()} ${cp.title}: decision (golive runs ${cp.id} and posts the result)` });
  for (const other of plan.checkpoints) {
    const start = resolve(other.window.start);
    if (other.id !== cp.id && start && start > now) {
      lines.push({ at: start, text: `${other.id.toUpperCase()} ${other.title} opens` });
      break;
    }
  }
  const acceptance = resolve(plan.acceptance?.at);
  if (acceptance && acceptance > now && plan.acceptance) lines.push({ at: acceptance, text: plan.acceptance.title });
  return lines
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .slice(0, 5)
    .map((l) => `${formatLocal(l.at, tz, false)} · ${l.text}`);
}
