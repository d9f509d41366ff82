import { z } from 'zod';

/**
 * The roles file (DESIGN.md, "Roles file"): who holds which role in this
 * workspace. `roles` is an open map; a user holds a role when listed in
 * `users` or a member of one of its `usergroups` (resolved through Slack's
 * usergroups.users.list by whoever checks membership).
 */

/** Slack user ids: U… (or W… on Enterprise Grid). */
export const slackUserIdSchema = z.string().regex(/^[UW][A-Z0-9]{2,}$/, { error: 'expected a Slack user id like U0DBA0001' });
/** Slack user group ids: S… */
export const slackUsergroupIdSchema = z.string().regex(/^S[A-Z0-9]{2,}$/, { error: 'expected a Slack user group id like S0DBAS001' });

export const roleHoldersSchema = z.strictObject({
  users: z.array(slackUserIdSchema).default([]),
  usergroups: z.array(slackUsergroupIdSchema).default([]),
});

export const rolesFileSchema = z.strictObject({
  roles: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'expected a role name in snake_case, like dba' }), roleHoldersSchema),
});

export type RolesFile = z.output<typeof rolesFileSchema>;
export type RoleHolders = RolesFile['roles'][string];

/** Roles a user holds directly (listed in users); group membership needs Slack and is resolved elsewhere. */
export function rolesListingUser(roles: RolesFile, userId: string): string[] {
  return Object.entries(roles.roles)
    .filter(([, holders]) => holders.users.includes(userId))
    .map(([role]) => role);
}

/** Roles whose user groups the user belongs to, given that user's groups. */
export function rolesOfUser(roles: RolesFile, userId: string, userGroups: readonly string[] = []): string[] {
  return Object.entries(roles.roles)
    .filter(([, holders]) => holders.users.includes(userId) || holders.usergroups.some((g) => userGroups.includes(g)))
    .map(([role]) => role);
}
