import { announceIncident } from '../src/incidents/service.js';
import type { JobHandler } from './types.js';

/** Post an incident (mentioning its escalation levels' people), or update it and say it was resolved. */
export function createIncidentAnnounceJob(deps: Parameters<typeof announceIncident>[0]): JobHandler<'incident-announce'> {
  return async (payload) => announceIncident(deps, payload);
}
