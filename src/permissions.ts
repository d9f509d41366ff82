import type { WebClient } from '@slack/web-api';
import type { Clock } from './clock.js';
import type { Command, Plan } from './plan/schema.js';
import { rolesAllowed } from './plan/schema.js';
import type { RolesFile } from './roles/schema.js';

/**
 * Who holds which role: listed in the roles file's `users`, or a member of one
 * of its `usergroups` (asked of Slack with usergroups.users.list, cached
 * briefly so a burst of clicks makes one call per group).
 */
export interface RoleResolver {
  rolesOf(userId: string): Promise<string[]>;
  holds(userId: string, role: string): Promise<boolean>;
  /** Who can act as a role, for refusals ("only a DBA can sign this: <@U…>"). */
  holdersOf(role: string): { users: string[]; usergroups: string[] };
}

export function createRoleResolver(deps: { roles: RolesFile; client?: WebClient; clock: Clock; cacheTtlMs?: number }): RoleResolver {
  const ttl = deps.cacheTtlMs ?? 60_000;
  const cache = new Map<string, { members: string[]; at: number }>();

  // One request per group at a time: a burst of clicks shares the answer.
  const inFlight = new Map<string, Promise<string[]>>();

  async function membersOf(groupId: string): Promise<string[]> {
    const now = deps.clock.now().getTime();
    const hit = cache.get(groupId);
    if (hit && now - hit.at < ttl) return hit.members;
    const client = deps.client;
    if (!client) return [];
    const pending = inFlight.get(groupId);
    if (pending) return pending;
    const request = (async () => {
      try {
        const result = await client.usergroups.users.list({ usergroup: groupId });
        const members = (result.users as string[] | undefined) ?? [];
        cache.set(groupId, { members, at: now });
        return members;
      } catch {
        // A group Slack does not know (or cannot list now) grants nothing; not
        // cached, so the next check asks again.
        return [];
      } finally {
        inFlight.delete(groupId);
      }
    })();
    inFlight.set(groupId, request);
    return request;
  }

  const resolver: RoleResolver = {
    async rolesOf(userId) {
      const held: string[] = [];
      for (const [role, holders] of Object.entries(deps.roles.roles)) {
        if (holders.users.includes(userId)) {
          held.push(role);
          continue;
        }
        for (const group of holders.usergroups) {
          if ((await membersOf(group)).includes(userId)) {
            held.push(role);
            break;
          }
        }
      }
      return held;
    },
    async holds(userId, role) {
      return (await resolver.rolesOf(userId)).includes(role);
    },
    holdersOf(role) {
      const holders = deps.roles.roles[role];
      return { users: holders?.users ?? [], usergroups: holders?.usergroups ?? [] };
    },
  };
  return resolver;
}

export type Authorization = { allowed: true; roles: string[] } | { allowed: false; needed: string[]; message: string };

/**
 * May this user run this command at this checkpoint? The plan names the roles
 * per command (with per-checkpoint overrides); a command the plan leaves open
 * is allowed to anyone in the channel.
 */
export async function authorize(
  resolver: RoleResolver,
  plan: Plan,
  command: Command,
  userId: string,
  checkpointId?: string,
): Promise<Authorization> {
  const needed = rolesAllowed(plan, command, checkpointId);
  const held = await resolver.rolesOf(userId);
  if (needed === undefined) return { allowed: true, roles: held };
  const matching = held.filter((r) => needed.includes(r));
  if (matching.length > 0) return { allowed: true, roles: matching };
  const who = needed
    .map((role) => {
      const h = resolver.holdersOf(role);
      const people = [...h.users.map((u) => `<@${u}>`), ...h.usergroups.map((g) => `<!subteam^${g}>`)];
      return `${plan.roles[role]?.title ?? role}${people.length ? ` (${people.join(', ')})` : ''}`;
    })
    .join(', ');
  return {
    allowed: false,
    needed,
    message: `only ${who} may \`${command}\`${checkpointId ? ` at ${checkpointId}` : ''}; you hold ${held.length ? held.join(', ') : 'no role'} in ${plan.id}.`,
  };
}
