import type { Clock } from '../src/clock.js';
import type { PlanRegistry } from '../src/plan-registry.js';
import { formatLocal, formatOffset, zoneOffsetMinutes } from '../src/plan/time.js';
import { context, escapeMrkdwn, header, section, type Block } from '../src/slack/views/blocks.js';
import type { AuditRecord, AuditStore } from '../src/store/audit.js';
import { ephemeral, type CommandHandler, type CommandOf } from './types.js';

export const AUDIT_SHOWN = 25;

/** `/golive audit [cpN]`: the latest audit entries, newest first, times in the plan's zone (ephemeral). */
export function createAuditCommand(deps: { plans: PlanRegistry; audit: Pick<AuditStore, 'latest'>; clock: Clock }): CommandHandler<CommandOf<'audit'>> {
  return async (command) => {
    const plan = deps.plans.require(command.planId);
    const entries = await deps.audit.latest({ planId: plan.id, checkpointId: command.checkpointId, limit: AUDIT_SHOWN });
    const zone = plan.time_zone;
    const scope = `${plan.id}${command.checkpointId ? ` ${command.checkpointId}` : ''}`;
    if (entries.length === 0) return ephemeral(`The audit log has no entries for ${scope} yet.`);
    const lines = entries.map((e) => auditLine(e, zone));
    const blocks: Block[] = [header(`Audit · ${scope} · latest ${entries.length}`, 'audit-header')];
    // Sections hold 3000 characters: pack lines into as few as fit.
    let chunk = '';
    let n = 0;
    for (const line of lines) {
      if (chunk.length + line.length + 1 > 2900) {
        blocks.push(section(chunk, `audit-${n++}`));
        chunk = '';
      }
      chunk = chunk ? `${chunk}\n${line}` : line;
    }
    if (chunk) blocks.push(section(chunk, `audit-${n}`));
    blocks.push(context([`Times in ${zone} (${formatOffset(zoneOffsetMinutes(deps.clock.now(), zone))}) · full log: \`npm run audit:export\``], 'audit-context'));
    return ephemeral(`Latest ${entries.length} audit entries for ${scope} (times in ${zone}):\n${lines.slice(0, 10).join('\n')}`.slice(0, 3000), blocks.slice(0, 50));
  };
}

export function auditLine(e: AuditRecord, zone: string): string {
  const where = [e.checkpointId, typeof e.details.runNumber === 'number' ? `run #${e.details.runNumber}` : e.runId !== null ? `run id ${e.runId}` : undefined]
    .filter(Boolean)
    .join(' ');
  const actor = /^[UW][A-Z0-9]{2,}$/.test(e.actor) ? `<@${e.actor}>` : escapeMrkdwn(e.actor);
  const summary = summarise(e);
  return `\`${formatLocal(e.at, zone, false)}\` ${actor} *${escapeMrkdwn(e.action)}*${where ? ` · ${where}` : ''}${summary ? ` · ${summary}` : ''}`.slice(0, 400);
}

/** A few telling fields of the details, never the whole JSON. */
function summarise(e: AuditRecord): string {
  const d = e.details;
  const parts: string[] = [];
  for (const key of ['text', 'role', 'reason', 'command', 'decision', 'check', 'next', 'needed']) {
    const v = d[key];
    if (v === undefined || v === null) continue;
    const shown = Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? '' : String(v);
    if (shown) parts.push(`${key} ${escapeMrkdwn(shown.slice(0, 120))}`);
  }
  return parts.join(' · ');
}
