import type { Clock } from '../src/clock.js';
import { levelsFor, severityOf } from '../src/incidents/escalation.js';
import type { Incidents } from '../src/incidents/service.js';
import type { PlanRegistry } from '../src/plan-registry.js';
import { requirePermission, type PermissionDeps } from '../src/require-permission.js';
import { ephemeral, type CommandHandler, type CommandOf } from './types.js';

/**
 * `/golive incident SEV TEXT`: record an incident (the trigger id makes a
 * re-delivered command find the one it made); a worker posts it in the
 * channel, calling the escalation levels of its severity.
 */
export function createIncidentCommand(deps: { plans: PlanRegistry; incidents: Pick<Incidents, 'open'>; clock: Clock }): CommandHandler<CommandOf<'incident'>> {
  return async (command, request) => {
    const requestKey = request.triggerId ?? `${request.userId}-${deps.clock.now().getTime()}`;
    const result = await deps.incidents.open({ planId: command.planId, severity: command.severity, text: command.text, userId: request.userId, channelId: request.channelId, requestKey });
    if ('refused' in result) return ephemeral(`Not recorded: ${result.refused}.`);
    const { incident, created } = result;
    if (!created) return ephemeral(`This command already recorded incident #${incident.id} (${incident.severity}).`);
    const plan = deps.plans.require(command.planId);
    const severity = severityOf(plan, incident.severity);
    const called = severity ? levelsFor(plan, severity).map((l) => `level ${l.level} ${l.title}`).join(', ') : '';
    return ephemeral(
      `Incident #${incident.id} recorded (${incident.severity}${severity ? `, ${severity.class}` : ''}). golive posts it in the channel and calls ${called}. ` +
        `Resolve it with \`/golive ${plan.id} incident resolve ${incident.id}\`.`,
    );
  };
}

/** `/golive incident resolve ID`: only the roles the plan allows `incident_resolve`. */
export function createIncidentResolveCommand(deps: PermissionDeps & { plans: PlanRegistry; incidents: Pick<Incidents, 'resolve'> }): CommandHandler<CommandOf<'incident-resolve'>> {
  return async (command, request) => {
    const plan = deps.plans.require(command.planId);
    const refusal = await requirePermission(deps, { plan, command: 'incident_resolve', userId: request.userId, attempted: `incident resolve ${command.incidentId}` });
    if (refusal) return refusal;
    const result = await deps.incidents.resolve({ planId: plan.id, incidentId: command.incidentId, userId: request.userId, channelId: request.channelId });
    if ('refused' in result) return ephemeral(`Not resolved: ${result.refused}.`);
    return ephemeral(`Incident #${result.incident.id} (${result.incident.severity}) resolved; golive says so in the channel.`);
  };
}
