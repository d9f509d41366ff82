import { AUDIT } from '../src/audit/actions.js';
import { describeError, explainInfrastructureError, GoliveError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';
import type { PlanRegistry } from '../src/plan-registry.js';
import type { Command } from '../src/plan/schema.js';
import { requirePermission, type PermissionDeps } from '../src/require-permission.js';
import { withTimeout } from '../src/store/index.js';
import type { AuditBatcher } from '../src/store/audit-batch.js';
import { isReadOnly, type ParsedCommand } from './parse.js';
import type { Router } from './router.js';
import { ephemeral } from './types.js';

/**
 * Wraps the command router with the two things every command gets, whoever
 * wrote its handler:
 *  - an audit entry (verb, user, plan, checkpoint, the text) before anything runs;
 *  - the plan's permission for commands that change things, refused (and the
 *    refusal audited) before the handler is called.
 * Handlers may still call requirePermission themselves (e.g. for a finer
 * check); an allowed user passes both.
 */
export function guardRouter(router: Router, deps: PermissionDeps & { plans: PlanRegistry; logger: Logger; auditBatch?: AuditBatcher | undefined }): Router {
  return {
    parse: router.parse,
    async handle(request) {
      const parsed = router.parse(request.text);
      const command = parsed.ok ? parsed.command : undefined;
      const planId = command && 'planId' in command ? command.planId : undefined;
      const checkpointId = command && 'checkpointId' in command ? command.checkpointId : undefined;
      const entry = {
        actor: request.userId,
        action: AUDIT.command,
        planId,
        checkpointId,
        details: {
          text: request.text.trim().slice(0, 300),
          verb: command ? (command.verb === 'checkpoint' ? `${command.checkpointId} ${command.action}` : command.verb) : 'unparsed',
          channel: request.channelId,
        },
      };
      if (command && isReadOnly(command) && deps.auditBatch) {
        // A read-only command is recorded with the next batch, off Slack's 3-second path.
        deps.auditBatch.add(entry);
      } else {
        // A command that changes things is on record before it runs.
        const audit = withTimeout(deps.store.audit.append(entry), 700, 'state DB did not answer').catch((err) => {
          // A command must not fail because the audit could not be written (help
          // still works with the state DB down); handlers that change state need
          // the DB anyway and will say so.
          request.logger.warn({ err }, 'could not audit a command');
        });
        if (!command || !isReadOnly(command)) await audit;
      }

      const needed = command ? permissionOf(command) : undefined;
      const plan = planId ? deps.plans.get(planId) : undefined;
      if (command && needed && plan) {
        try {
          const refusal = await requirePermission(deps, {
            plan,
            command: needed,
            userId: request.userId,
            checkpointId,
            attempted: request.text.trim().slice(0, 200),
          });
          if (refusal) return refusal;
        } catch (err) {
          const known = explainInfrastructureError(err) ?? (err instanceof GoliveError ? err : undefined);
          request.logger.error({ err }, 'permission check failed');
          return ephemeral(known ? `golive could not do that (${known.code}): ${known.message}` : `golive could not do that: ${describeError(err)}`);
        }
      }
      return router.handle(request);
    },
  };
}

/** The plan's permission name for a parsed command; undefined: read-only, open to the channel. */
export function permissionOf(command: ParsedCommand): Command | undefined {
  switch (command.verb) {
    case 'checkpoint':
      switch (command.action) {
        case 'run':
        case 'start':
        case 'abort':
        case 'rollback':
        case 'rehearse':
        case 'migrate':
        case 'report':
          return command.action;
        // Posting the card changes nothing; its buttons check the signer's role.
        case 'signoff':
        case 'status':
          return undefined;
      }
      return undefined;
    case 'baseline':
      return 'baseline';
    case 'incident':
      return 'incident_open';
    case 'incident-resolve':
      return 'incident_resolve';
    case 'briefing':
      return 'briefing';
    default:
      return undefined;
  }
}
