import { escapeMrkdwn } from '../slack/views/blocks.js';
import type { BuiltDocument, ReportFacts } from './types.js';

/** The channel text that comes with the uploaded documents (Slack mrkdwn). Pure. */
export function reportSummary(facts: ReportFacts, documents: readonly BuiltDocument[]): string {
  const { plan, checkpoint: cp, run, evidence } = facts;
  const roleTitle = (role: string | undefined) => (role ? (plan.roles[role]?.title ?? role) : undefined);
  const lines = [
    `📄 *${escapeMrkdwn(`${plan.id.toUpperCase()} · ${cp.id.toUpperCase()} ${cp.title} · run #${run.number} (${evidence.label})`)}*: ` +
      `${documents.length} document${documents.length === 1 ? '' : 's'} built from the stored evidence${run.evidenceDigest ? ` (digest \`${run.evidenceDigest.slice(0, 12)}\`)` : ''}, for <@${facts.generatedBy}>.`,
  ];
  for (const d of documents) {
    const extras = d.attachments.map((a) => (a.mimetype === 'image/png' ? 'chart' : a.mimetype === 'text/csv' ? 'CSV' : 'file'));
    const marks = [d.kind === 'template' ? `template for ${roleTitle(d.role) ?? 'a person'} to complete` : undefined, extras.length ? `+ ${extras.join(', ')}` : undefined, d.required ? undefined : 'not required by the gate']
      .filter(Boolean)
      .join('; ');
    lines.push(`• ${escapeMrkdwn(d.title)}${marks ? ` _(${escapeMrkdwn(marks)})_` : ''}`);
  }
  const templates = documents.filter((d) => d.kind === 'template');
  if (templates.length) lines.push(`✍️ ${templates.length} template${templates.length === 1 ? '' : 's'} list${templates.length === 1 ? 's' : ''} under “A person must add” what golive cannot know.`);
  const required = documents.filter((d) => d.required);
  if (required.length) lines.push(`The gate of ${cp.id.toUpperCase()} counts these documents for run #${run.number} only; a new run needs \`/golive ${plan.id} ${cp.id} report\` again.`);
  return lines.join('\n');
}
