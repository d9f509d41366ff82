import { ephemeral, type CommandReply } from '../commands/types.js';
import { AUDIT } from './audit/actions.js';
import { authorize, type RoleResolver } from './permissions.js';
import type { Command, Plan } from './plan/schema.js';
import type { AuditStore } from './store/audit.js';

export interface PermissionDeps {
  roles: RoleResolver;
  store: { audit: AuditStore };
}

export interface PermissionRequest {
  plan: Plan;
  /** The plan's name for the command (run, start, abort, attest, baseline, incident_resolve …). */
  command: Command;
  userId: string;
  checkpointId?: string | undefined;
  runId?: number | undefined;
  /** What was attempted, for the audit entry ("cp3 abort", "attest check backup_verify"). */
  attempted?: string | undefined;
}

/**
 * The one permission check every handler that changes something calls:
 *
 *   const refusal = await requirePermission(core, { plan, command: 'abort', userId, checkpointId: 'cp3' });
 *   if (refusal) return refusal;            // a command handler answers with it
 *   // a button handler: await slack.ephemeral(channelId, userId, refusal)
 *
 * Returns undefined when the user holds a role the plan allows for the command
 * (per-checkpoint overrides first; a command the plan leaves open is allowed),
 * otherwise an ephemeral refusal naming the roles needed and who holds them.
 * Every refusal is appended to the audit log.
 */
export async function requirePermission(deps: PermissionDeps, request: PermissionRequest): Promise<CommandReply | undefined> {
  const verdict = await authorize(deps.roles, request.plan, request.command, request.userId, request.checkpointId);
  if (verdict.allowed) return undefined;
  await deps.store.audit.append({
    actor: request.userId,
    action: AUDIT.permissionRefused,
    planId: request.plan.id,
    checkpointId: request.checkpointId,
    runId: request.runId,
    details: { command: request.command, needed: verdict.needed, ...(request.attempted ? { attempted: request.attempted } : {}) },
  });
  return ephemeral(`Sorry: ${verdict.message}`);
}
