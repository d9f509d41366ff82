import type { RoleResolver } from '../permissions.js';
import type { EscalationLevel, Plan, Severity } from '../plan/schema.js';

/**
 * Which escalation levels an incident (or an alert) of a severity calls.
 * The seed lists the levels (DBA, Infrastructure, Application, Tech
 * Lead/CTO, PM) and the severities, not which severity reaches which level;
 * golive's reading, by the severity's class:
 *   critical  every level but one per step below SEV 1: SEV 1 (production
 *             down, customer impact) reaches all five, the PM included for
 *             stakeholder communication; SEV 2 stops at the Tech Lead/CTO
 *   major     the first two levels (DBA, Infrastructure): "address in 4 hours"
 *   minor     the first level only (the DBA on call)
 * An incident that reaches beyond level 1 is an escalation (cp4's
 * "Escalations: 0").
 */

export function severityOf(plan: Plan, nameOrLevel: string | number): Severity | undefined {
  return plan.incidents.severities.find((s) => (typeof nameOrLevel === 'number' ? s.level === nameOrLevel : s.name.toLowerCase() === nameOrLevel.toLowerCase()));
}

export function levelsFor(plan: Plan, severity: Severity): EscalationLevel[] {
  const levels = [...plan.incidents.escalation].sort((a, b) => a.level - b.level);
  const count =
    severity.class === 'critical' ? Math.max(1, levels.length - (severity.level - 1)) : severity.class === 'major' ? Math.min(2, levels.length) : 1;
  return levels.slice(0, count);
}

export function rolesFor(plan: Plan, severity: Severity): string[] {
  return [...new Set(levelsFor(plan, severity).flatMap((l) => l.roles))];
}

/** "<@U0DBA0001> (Database Administrator), <!subteam^S0…> (Infrastructure Lead)": who is called. */
export function mentionRoles(plan: Plan, roles: readonly string[], resolver: Pick<RoleResolver, 'holdersOf'>): string {
  return roles
    .map((role) => {
      const h = resolver.holdersOf(role);
      const people = [...h.users.map((u) => `<@${u}>`), ...h.usergroups.map((g) => `<!subteam^${g}>`)];
      const title = plan.roles[role]?.title ?? role;
      return people.length ? `${people.join(' ')} (${title})` : `${title} (nobody holds this role)`;
    })
    .join(', ');
}

/** The severity a level number stands for, falling back to the nearest listed one. */
export function severityAtLevel(plan: Plan, level: number): Severity {
  const sorted = [...plan.incidents.severities].sort((a, b) => a.level - b.level);
  return sorted.find((s) => s.level >= level) ?? sorted[sorted.length - 1]!;
}
