import { allChecks, type Checkpoint, type PlanDocument } from '../../plan/schema.js';
import { bullets, isRecord, pick, rangeText, statusLabel, table } from '../markdown.js';
import type { BuiltDocument, DocumentBuilder, ReportFacts } from '../types.js';
import { checksOfType, firstResultWithEvidence, footer, header, person, personMustAddSection, roleTitle, signoffSection, statusOf, when } from './common.js';

/** A cell a person fills in. */
const TO_ADD = '_to add_';

/**
 * Documents that need a person's judgement (the plan marks them
 * `generated: false`): golive writes a template pre-filled with everything
 * it knows, and a clear list of what a person must add. The role the plan
 * names owns it.
 */

function template(facts: ReportFacts, doc: PlanDocument, body: string[], mustAdd: string[]): ReturnType<DocumentBuilder> {
  const owner = doc.role ? `Owner: **${roleTitle(facts, doc.role)}** (role \`${doc.role}\`).` : 'Owner: not named in the plan.';
  const markdown = [header(facts, doc.title, doc.source, 'template'), owner, '', ...body, personMustAddSection(mustAdd), signoffSection(facts), footer(facts)].join('\n');
  return { documentId: doc.id, title: doc.title, kind: 'template', required: true, role: doc.role, markdown, attachments: [], personMustAdd: mustAdd };
}

/** Checks that did not pass on this run, with golive's reason. */
function findings(facts: ReportFacts): string {
  const rows = allChecks(facts.checkpoint)
    .filter((k) => facts.results.has(k.id) && statusOf(facts, k.id) !== 'pass')
    .map((k) => [k.title, statusLabel(statusOf(facts, k.id)), facts.results.get(k.id)?.message]);
  return table(['Check', 'Status', 'What golive found'], rows);
}

function firedTriggers(facts: ReportFacts): string[] {
  const fired = pick(facts.run.decisionDetail, 'fired_triggers');
  if (!Array.isArray(fired)) return [];
  return fired.filter(isRecord).map((t) => {
    const trig = facts.checkpoint.triggers.find((x) => x.id === t.trigger);
    return `${trig?.title ?? String(t.trigger)}${Array.isArray(t.reasons) && t.reasons.length ? `: ${t.reasons.join('; ')}` : ''}`;
  });
}

export const riskAssessment: DocumentBuilder = (facts, doc) => {
  const cp = facts.checkpoint;
  const open = facts.incidents.filter((i) => !i.resolvedAt);
  const body = [
    '## What golive knows',
    '',
    `Decision of run #${facts.run.number}: **${facts.evidence.label}**.`,
    '',
    '### Checks that did not pass (the findings)',
    '',
    findings(facts),
    '',
    '### Fail triggers',
    '',
    table(['Trigger', 'Seed', 'Fired on this run'], cp.triggers.map((t) => [t.title, t.source, firedTriggers(facts).some((f) => f.startsWith(t.title)) ? '🔴 yes' : 'no'])),
    '',
    ...(firedTriggers(facts).length ? ['Fired:', '', bullets(firedTriggers(facts)), ''] : []),
    '### Mitigations recorded for this run',
    '',
    table(['Criterion', 'Owner', 'Mitigation', 'Re-test by'], facts.mitigations.map((m) => [m.criterionId, person(facts, m.owner), m.mitigation, when(facts, m.retestDeadline)])),
    '',
    '### Open incidents',
    '',
    table(['#', 'Severity', 'Opened', 'Text'], open.map((i) => [i.id, i.severity, when(facts, i.openedAt), i.text])),
    '',
    '### Risk register (to complete)',
    '',
    table(
      ['Risk', 'Source', 'Likelihood', 'Impact', 'Owner', 'Mitigation / contingency'],
      [
        ...allChecks(cp).filter((k) => facts.results.has(k.id) && statusOf(facts, k.id) !== 'pass').map((k) => [k.title, 'finding of this run', TO_ADD, TO_ADD, TO_ADD, TO_ADD]),
        ...cp.triggers.map((t) => [t.title, 'fail trigger', TO_ADD, TO_ADD, TO_ADD, TO_ADD]),
      ],
    ),
    '',
  ];
  return template(facts, doc, body, [
    'Likelihood and impact of each risk in the register (and any risk found outside golive’s checks)',
    'An owner and a mitigation or contingency for each risk rated medium or higher',
    'Whether each finding above is accepted, fixed, or blocks the go-live',
    'Residual risk and who accepts it',
    `Approval by ${roleTitle(facts, doc.role)}`,
  ]);
};

export const contingencyPlanReview: DocumentBuilder = (facts, doc) => {
  const plan = facts.plan;
  const cutoverCp: Checkpoint | undefined = plan.checkpoints.find((c) => c.cutover);
  const cutover = cutoverCp?.cutover;
  const drill = firstResultWithEvidence(facts, checksOfType(facts, 'rollback_drill'));
  const backups = [...checksOfType(facts, 'backup_tool'), ...checksOfType(facts, 'backup_location')];
  const rehearsals = facts.cutovers.filter((c) => c.kind === 'rehearsal');
  const files = plan.migration.files;
  const body = [
    '## Procedures and what tested them',
    '',
    table(
      ['Procedure', 'Tested by', 'Result'],
      [
        ['Rollback file', `rollback drill on ${facts.run.environment ?? facts.checkpoint.environment}`, drill ? `${statusLabel(drill.status)}: ${drill.message ?? ''}` : 'not run on this run'],
        backups.length
          ? ['Backup and restore listing', backups.map((b) => b.title).join(', '), backups.map((b) => statusLabel(statusOf(facts, b.id))).join(', ')]
          : ['Backup before the migration (pg_dump, read back with pg_restore --list)', 'the migration command of this checkpoint', lastMigrateOutcome(facts) ?? 'no migration recorded'],
        ['Cutover rehearsal', `${rehearsals.length} rehearsal(s) recorded`, rehearsals.map((r) => `#${r.id} ${r.finalState ?? r.status} ${when(facts, r.finishedAt)}`).join('; ') || 'none recorded'],
      ],
    ),
    '',
    '## Migration and rollback files',
    '',
    table(['File', 'Kind', 'Path', 'SHA-256 (plan)'], files.map((f) => [f.id, f.kind, f.path, f.sha256])),
    '',
  ];
  if (cutover) {
    body.push(
      `## Cutover abort rules (${cutoverCp!.id.toUpperCase()})`,
      '',
      table(['After', 'Action', 'Seed'], cutover.thresholds.items.map((t) => [`${t.after} from ${cutover.thresholds.counted_from.replace('_', ' ')}`, t.action.replace(/_/g, ' '), t.source])),
      '',
      `Rollback limit: ${cutover.rollback.limit}${cutover.rollback.restore_from_backup ? `; restore from backup: ${rangeText(cutover.rollback.restore_from_backup)}` : ''}.`,
      '',
      ...(cutover.rules.length ? ['### Rules', '', bullets(cutover.rules.map((r) => `${r.case.replace(/_/g, ' ')}: ${r.actions.join('; ') || r.source.join(' ')}`)), ''] : []),
    );
  }
  body.push('## Escalation', '', table(['Level', 'Who', 'Roles'], plan.incidents.escalation.map((e) => [e.level, e.title, e.roles.map((r) => roleTitle(facts, r)).join(', ')])), '');
  const nogo = facts.checkpoint.decisions.flatMap((d) => d.outcomes).filter((o) => o.kind === 'nogo');
  if (nogo.length) body.push('## If the decision is NO-GO', '', bullets(nogo.flatMap((o) => o.actions)), '');
  return template(facts, doc, body, [
    'Confirmation that each procedure above was walked through by the people who would run it',
    'The measured time to restore from backup, and where the backup is kept',
    'Contacts and on-call rota for the cutover and the 48-hour monitoring',
    'The communication plan (who tells users and stakeholders, when)',
    'Any procedure golive does not test (application restart, DNS, feature flags) and its test result',
    `Approval by ${roleTitle(facts, doc.role)}`,
  ]);
};

/** What golive said when it last migrated for this checkpoint (it names the backup file). */
function lastMigrateOutcome(facts: ReportFacts): string | undefined {
  const last = [...facts.audit].reverse().find((a) => a.action.startsWith('migrate.') && a.checkpointId === facts.checkpoint.id);
  if (!last) return undefined;
  return `${last.action.replace('migrate.', '')} ${when(facts, last.at)}${typeof last.details.text === 'string' ? `: ${last.details.text}` : ''}`;
}

export const changeManagementApproval: DocumentBuilder = (facts, doc) => {
  const plan = facts.plan;
  const cp = facts.checkpoint;
  const next = plan.checkpoints[plan.checkpoints.indexOf(cp) + 1];
  const body = [
    '## The change',
    '',
    table(
      ['Field', 'Value'],
      [
        ['Change', plan.title],
        ['Objective', cp.objective],
        ['Target', `${plan.target.database}: ${plan.target.table} (partitioned by ${plan.target.partition_key})`],
        ['Environments', Object.keys(plan.environments).join(', ')],
        ['Next step', next ? `${next.id.toUpperCase()} ${next.title} · ${next.window.label ?? ''}` : '—'],
        ['Migration files', plan.migration.apply.join(', ')],
        ['Rollback file', plan.migration.rollback],
      ],
    ),
    '',
    '## Evidence for the approval',
    '',
    bullets([
      `Run #${facts.run.number} decided **${facts.evidence.label}** (evidence digest \`${facts.run.evidenceDigest ?? 'none'}\`)`,
      ...cp.criteria.map((c) => {
        const statuses = c.checks.map((k) => statusOf(facts, k.id));
        return `${c.title}: ${statuses.filter((s) => s === 'pass').length}/${statuses.length} checks pass`;
      }),
    ]),
    '',
    ...(facts.evidence.outcome?.actions.length ? ['## Actions the plan lists for this outcome', '', bullets(facts.evidence.outcome.actions), ''] : []),
  ];
  return template(facts, doc, body, [
    'The change ticket number and its link',
    'Change advisory board (CAB) approval: reference, date and approvers',
    'Confirmation that the maintenance window was announced to users',
    'Link to the rollback plan and the contingency plan review',
    `Approval by ${roleTitle(facts, doc.role)}`,
  ]);
};

/** A document the plan names that golive has no dedicated builder for: the run's results, and (if not generated) a template. */
export function genericDocument(facts: ReportFacts, doc: PlanDocument): ReturnType<DocumentBuilder> {
  const results = [...facts.checkpoint.criteria].map((c) => `- ${c.title}: ${c.checks.filter((k) => statusOf(facts, k.id) === 'pass').length}/${c.checks.length} checks pass`);
  if (!doc.generated) {
    return template(facts, doc, ['## The run it is based on', '', ...results, ''], [`The content of “${doc.title}”`, `Approval by ${roleTitle(facts, doc.role)}`]);
  }
  const markdown = [header(facts, doc.title, doc.source, 'generated'), '## Results of the run', '', ...results, '', signoffSection(facts), footer(facts)].join('\n');
  return { documentId: doc.id, title: doc.title, kind: 'generated', required: true, role: doc.role, markdown, attachments: [], personMustAdd: [] } satisfies Omit<BuiltDocument, 'markdown'> & { markdown: string };
}

