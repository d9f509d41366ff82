import { bullets, duration, pct, rangeText, table } from '../markdown.js';
import type { DocumentBuilder } from '../types.js';
import { footer, header, person, personMustAddSection, roleTitle, signoffSection, when } from './common.js';
import { recommendations } from './daily.js';
import { executionSection } from './rollback.js';

/**
 * The final deployment report ("POST-CHECKPOINT 4: Generate final deployment
 * report"): every checkpoint's latest decision and sign-offs, the cutover
 * record, the stability figures and incidents, and the acceptance actions.
 * golive adds it to the plan's last checkpoint when the plan has an
 * acceptance section; the gate does not require it.
 */

export const finalDeploymentReport: DocumentBuilder = (facts, doc) => {
  const plan = facts.plan;
  const out: string[] = [header(facts, doc.title, doc.source, 'generated')];
  out.push('## Checkpoints', '');
  const runs = [...facts.otherRuns, { checkpointId: facts.checkpoint.id, runId: facts.run.id, number: facts.run.number, status: facts.run.status, decision: facts.evidence.label, environment: facts.run.environment, finishedAt: facts.run.finishedAt, signoffs: facts.signoffs }];
  out.push(
    table(
      ['Checkpoint', 'Run', 'Decision', 'Finished', 'Signed by'],
      plan.checkpoints.map((cp) => {
        const r = runs.find((x) => x.checkpointId === cp.id);
        return [`${cp.id.toUpperCase()} ${cp.title}`, r ? `#${r.number} (${r.status})` : 'no run', r?.decision, when(facts, r?.finishedAt), r ? r.signoffs.map((s) => `${roleTitle(facts, s.role)}: ${person(facts, s.userId)}`).join('; ') : '—'];
      }),
    ),
    '',
  );

  const cutover = [...facts.cutovers].reverse().find((c) => c.kind === 'cutover');
  out.push('## Cutover', '');
  if (cutover) {
    const target = plan.checkpoints.find((c) => c.id === cutover.checkpointId)?.cutover?.downtime_target;
    out.push(bullets([
      `Cutover #${cutover.id} on ${cutover.environment}: ${cutover.finalState ?? cutover.status}${cutover.finalReason ? ` (${cutover.finalReason})` : ''}`,
      `Started ${when(facts, cutover.startedAt)} by ${person(facts, cutover.startedBy)}${cutover.confirmedBy ? `, confirmed by ${person(facts, cutover.confirmedBy)}` : ''}; finished ${when(facts, cutover.finishedAt)}`,
      `Migration ${when(facts, cutover.migrationStartedAt)} → ${when(facts, cutover.migrationFinishedAt)}`,
      `Downtime: ${duration(cutover.downtimeMs)}${target ? ` (target ${rangeText(target)})` : ''}`,
    ]), '');
    for (const e of facts.executions.filter((x) => cutover.executionIds.includes(x.id) || x.id === cutover.rollbackExecutionId)) out.push(executionSection(facts, e), '');
  } else {
    out.push('_No cutover is recorded for this plan._', '');
  }

  const s = facts.stability;
  out.push('## Stability', '');
  if (s?.period) {
    out.push(table(['Probe', 'Availability', 'Down time'], s.uptime.map(({ kind, summary: u }) => [kind, pct(u.availabilityPct), duration(u.downtimeMs)])), '');
    out.push('Recommendations from the figures:', '', bullets(recommendations(facts)), '');
  } else {
    out.push('_No stability window figures._', '');
  }

  out.push('## Incidents', '');
  out.push(table(['#', 'Severity', 'Opened', 'Resolved', 'Text'], facts.incidents.map((i) => [i.id, i.severity, when(facts, i.openedAt), when(facts, i.resolvedAt), i.text])), '');

  const accepted = facts.evidence.kind === 'go';
  const branch = accepted ? plan.acceptance?.if_accepted : plan.acceptance?.if_rolled_back;
  if (branch) {
    out.push(`## ${accepted ? 'Acceptance actions' : 'Actions after a rollback'} (${branch.source})`, '', ...branch.actions.map((a) => `- [ ] ${a}`), '');
  }
  const mustAdd = ['Learnings from the go-live (what to keep, what to change for OPT2/3/5)', 'Where the logs and metrics were archived', 'The production runbook changes made'];
  out.push(personMustAddSection(mustAdd), signoffSection(facts), footer(facts));
  return { documentId: doc.id, title: doc.title, kind: 'generated', required: false, markdown: out.join('\n'), attachments: [], personMustAdd: mustAdd };
};
