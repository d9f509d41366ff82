import { AUDIT } from '../audit/actions.js';
import type { Clock } from '../clock.js';
import { formatDuration } from '../plan/duration.js';
import type { Logger } from '../logger.js';
import type { RoleResolver } from '../permissions.js';
import type { PlanRegistry } from '../plan-registry.js';
import type { Plan } from '../plan/schema.js';
import { formatLocal } from '../plan/time.js';
import type { Queues } from '../queue/queues.js';
import type { SlackPoster } from '../slack/poster.js';
import { incidentResolvedView, incidentView } from '../slack/views/incident.js';
import type { IncidentRecord } from '../store/incidents.js';
import type { Store } from '../store/index.js';
import { levelsFor, mentionRoles, rolesFor, severityOf } from './escalation.js';

/**
 * Incidents (the seed's SEV 1-4 and its on-call escalation): recorded by
 * `/golive incident SEV TEXT` (the trigger id makes a re-delivered command
 * find the incident it made), posted in the channel mentioning the people
 * of the escalation levels the severity calls, resolved by `/golive
 * incident resolve ID`. cp4 counts them; an open critical one (SEV 1-2)
 * keeps cp4 from ACCEPTED through its critical-incidents trigger.
 *
 * The web process records (a fast write) and queues the announcement; a
 * worker posts it (and updates it on resolution).
 */

export interface IncidentDeps {
  plans: PlanRegistry;
  store: Pick<Store, 'incidents' | 'audit' | 'pool'>;
  clock: Clock;
  logger: Logger;
  queues?: Pick<Queues, 'enqueue'> | undefined;
}

export type OpenResult = { incident: IncidentRecord; created: boolean } | { refused: string };
export type ResolveResult = { incident: IncidentRecord } | { refused: string };

export function createIncidents(deps: IncidentDeps) {
  async function announce(planId: string, incidentId: number, event: 'opened' | 'resolved', channelId?: string) {
    await deps.queues?.enqueue('incident-announce', { planId, incidentId, event, ...(channelId ? { channelId } : {}) }, { jobId: `incident-${planId}-${incidentId}-${event}`, attempts: 5 });
  }

  return {
    async open(input: { planId: string; severity: string; text: string; userId: string; channelId: string; requestKey: string }): Promise<OpenResult> {
      const plan = deps.plans.require(input.planId);
      const severity = severityOf(plan, input.severity);
      if (!severity) return { refused: `plan ${plan.id} has no severity ${input.severity} (it has ${plan.incidents.severities.map((s) => s.name).join(', ')})` };
      const levels = levelsFor(plan, severity);
      const result = await deps.store.incidents.open({
        planId: plan.id,
        severity: severity.name,
        text: input.text,
        openedBy: input.userId,
        requestKey: input.requestKey,
        levels: levels.length,
        roles: rolesFor(plan, severity),
        channelId: input.channelId,
        now: deps.clock.now(),
      });
      if (result.created) {
        await deps.store.audit.append({
          actor: input.userId,
          action: AUDIT.incidentOpened,
          planId: plan.id,
          details: { incident: result.incident.id, severity: severity.name, class: severity.class, levels: levels.map((l) => l.level), text: input.text.slice(0, 300) },
        });
      }
      // Queued again on a re-delivery: the job id makes it one post.
      await announce(plan.id, result.incident.id, 'opened', input.channelId);
      return result;
    },

    async resolve(input: { planId: string; incidentId: number; userId: string; channelId?: string | undefined }): Promise<ResolveResult> {
      const plan = deps.plans.require(input.planId);
      const resolved = await deps.store.incidents.resolve({ planId: plan.id, id: input.incidentId, userId: input.userId, now: deps.clock.now() });
      if (!resolved) {
        const existing = await deps.store.incidents.get(plan.id, input.incidentId);
        if (!existing) return { refused: `plan ${plan.id} has no incident #${input.incidentId}` };
        return { refused: `incident #${existing.id} was resolved already by <@${existing.resolvedBy}> at ${formatLocal(existing.resolvedAt!, plan.time_zone, true)}` };
      }
      await deps.store.audit.append({
        actor: input.userId,
        action: AUDIT.incidentResolved,
        planId: plan.id,
        details: { incident: resolved.id, severity: resolved.severity, open_ms: resolved.resolvedAt!.getTime() - resolved.openedAt.getTime() },
      });
      await announce(plan.id, resolved.id, 'resolved', input.channelId);
      return { incident: resolved };
    },
  };
}

export type Incidents = ReturnType<typeof createIncidents>;

/** The worker's side: post the incident (or its resolution) in the channel. */
export async function announceIncident(
  deps: { plans: PlanRegistry; store: Pick<Store, 'incidents'>; roles: Pick<RoleResolver, 'holdersOf'>; slack: Pick<SlackPoster, 'upsert'>; channelFor(planId: string): Promise<string | undefined>; logger: Logger },
  input: { planId: string; incidentId: number; event: 'opened' | 'resolved'; channelId?: string | undefined },
): Promise<{ posted: boolean }> {
  const plan = deps.plans.require(input.planId);
  const incident = await deps.store.incidents.get(plan.id, input.incidentId);
  if (!incident) return { posted: false };
  const channel = incident.channelId ?? input.channelId ?? (await deps.channelFor(plan.id));
  if (!channel) {
    deps.logger.warn({ incident: incident.id }, 'incident not posted: no channel');
    return { posted: false };
  }
  const key = `incident:${plan.id}:${incident.id}`;
  await deps.slack.upsert(key, 'incident', channel, incidentMessage(plan, incident, deps.roles));
  if (input.event === 'resolved' && incident.resolvedAt && incident.resolvedBy) {
    await deps.slack.upsert(
      `${key}:resolved`,
      'incident',
      channel,
      incidentResolvedView({
        planId: plan.id,
        id: incident.id,
        severityName: incident.severity,
        text: incident.text,
        by: incident.resolvedBy,
        label: formatLocal(incident.resolvedAt, plan.time_zone, true),
        openFor: formatDuration(incident.resolvedAt.getTime() - incident.openedAt.getTime()),
      }),
    );
  }
  return { posted: true };
}

export function incidentMessage(plan: Plan, incident: IncidentRecord, roles: Pick<RoleResolver, 'holdersOf'>) {
  const severity = severityOf(plan, incident.severity);
  const levels = severity ? levelsFor(plan, severity).slice(0, incident.levels ?? undefined) : [];
  const acceptance = plan.checkpoints.find((c) => c.monitoring);
  return incidentView({
    planId: plan.id,
    id: incident.id,
    severityName: incident.severity,
    severityClass: severity?.class ?? 'unknown',
    severityDescription: severity?.description ?? '',
    respondWithin: severity?.respond_within ?? '',
    text: incident.text,
    openedBy: incident.openedBy,
    openedLabel: formatLocal(incident.openedAt, plan.time_zone, true),
    levels: levels.map((l) => `Level ${l.level} ${l.title}: ${mentionRoles(plan, l.roles, roles)}`),
    critical: severity?.class === 'critical',
    blocks: acceptance ? `${acceptance.id.toUpperCase()} ${acceptance.title}` : undefined,
    resolved: incident.resolvedAt && incident.resolvedBy ? { by: incident.resolvedBy, label: formatLocal(incident.resolvedAt, plan.time_zone, true) } : undefined,
    commandHint: `\`/golive ${plan.id} incident resolve ${incident.id}\``,
  });
}
