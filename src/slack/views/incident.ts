import { clip, context, escapeMrkdwn, LIMITS, section, type Block } from './blocks.js';

/**
 * An incident in the channel: its number (for `/golive incident resolve
 * ID`), severity, text and the escalation levels it calls, with the
 * people of their roles mentioned. Updated in place when it is resolved,
 * and the resolution said in the channel.
 */

export interface IncidentViewInput {
  planId: string;
  id: number;
  severityName: string;
  severityClass: string;
  severityDescription: string;
  respondWithin: string;
  text: string;
  openedBy: string;
  openedLabel: string;
  /** "Level 1 Database Administrator (primary): <@U…>" per level called. */
  levels: string[];
  critical: boolean;
  /** Which checkpoint's acceptance an open critical incident holds (cp4). */
  blocks?: string | undefined;
  resolved?: { by: string; label: string } | undefined;
  commandHint: string;
}

export function incidentView(input: IncidentViewInput): { text: string; blocks: Block[] } {
  const icon = input.resolved ? '✅' : input.critical ? '🔴' : '🟠';
  const title = `${icon} Incident #${input.id} · ${input.severityName} (${input.severityClass})${input.resolved ? ' · resolved' : ''}`;
  const blocks: Block[] = [
    section(`*${escapeMrkdwn(title)}*\n${escapeMrkdwn(input.text)}`, 'incident-head'),
    section(
      `${escapeMrkdwn(input.severityDescription)} · respond ${input.respondWithin === '0m' ? 'immediately' : `within ${escapeMrkdwn(input.respondWithin)}`}\n` +
        input.levels.map((l) => `• ${l}`).join('\n'),
      'incident-escalation',
    ),
  ];
  if (!input.resolved && input.critical && input.blocks) {
    blocks.push(section(`⛔ While it is open it holds ${escapeMrkdwn(input.blocks)}'s acceptance.`, 'incident-blocks'));
  }
  blocks.push(
    context(
      [
        `opened by <@${input.openedBy}> ${escapeMrkdwn(input.openedLabel)}` +
          (input.resolved ? ` · resolved by <@${input.resolved.by}> ${escapeMrkdwn(input.resolved.label)}` : ` · resolve with ${input.commandHint}`),
      ],
      'incident-context',
    ),
  );
  const text = `${input.planId.toUpperCase()} incident #${input.id} ${input.severityName}${input.resolved ? ' resolved' : ''}: ${input.text} · ${input.levels.join('; ')}`;
  return { text: clip(text, LIMITS.fallback), blocks };
}

export function incidentResolvedView(input: { planId: string; id: number; severityName: string; text: string; by: string; label: string; openFor: string }): { text: string; blocks: Block[] } {
  const title = `✅ Incident #${input.id} (${input.severityName}) resolved after ${input.openFor}`;
  return {
    text: clip(`${input.planId.toUpperCase()} ${title}: ${input.text}`, LIMITS.fallback),
    blocks: [section(`*${escapeMrkdwn(title)}*\n${escapeMrkdwn(clip(input.text, 500))}`, 'resolved-head'), context([`by <@${input.by}> ${escapeMrkdwn(input.label)}`], 'resolved-context')],
  };
}
