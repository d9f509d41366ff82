import { bullets, duration, ms, table } from '../markdown.js';
import type { DocumentBuilder, ReportFacts } from '../types.js';
import { criteriaSection, footer, header, person, signoffSection, statusOf, when } from './common.js';
import { executionSection } from './rollback.js';

/**
 * Staging Deployment Report (all 5 phases): for each test phase of the plan,
 * what golive recorded for it: the baseline capture (FASE 1), the backup and
 * the migration's step logs (FASE 2-3), and the criteria that judge the
 * validation and load phases (FASE 4-5), then the decision.
 */
export const deploymentReport: DocumentBuilder = (facts, doc) => {
  const cp = facts.checkpoint;
  const environment = facts.run.environment ?? cp.environment;
  const out: string[] = [header(facts, doc.title, doc.source, 'generated')];
  const phases = cp.test_phases?.phases ?? [];
  if (cp.test_phases) out.push(`Test phases: ${cp.test_phases.window.label ?? ''} (seed: “${cp.test_phases.source}”)`, '');

  out.push('## Phases', '');
  out.push(table(['Phase', 'Seed', 'golive command', 'Recorded'], phases.map((p) => [p.title, p.source, p.command ? `/golive ${p.command}` : '—', phaseState(facts, p.command, p.criteria, environment)])), '');

  for (const p of phases) {
    out.push(`## ${p.source}`, '');
    const command = p.command ?? '';
    if (/^baseline capture/.test(command)) out.push(baselineSection(facts, command.split(/\s+/)[2] ?? environment), '');
    if (/ migrate$/.test(command)) out.push(migrationSection(facts, environment, /backup/i.test(p.title)), '');
    const criteria = cp.criteria.filter((c) => p.criteria.includes(c.id));
    if (criteria.length) out.push(criteriaSection(facts, criteria, '###'));
    if (!/^baseline capture/.test(command) && !/ migrate$/.test(command) && criteria.length === 0) out.push('_golive records nothing for this phase._', '');
  }
  if (phases.length === 0) out.push(criteriaSection(facts, cp.criteria));

  out.push('## Decision', '');
  out.push(bullets([
    `${facts.evidence.label}${facts.evidence.outcome?.status ? ` · ${facts.evidence.outcome.status}` : ''}`,
    ...(facts.evidence.failedCriteria.length ? [`Failed criteria: ${facts.evidence.failedCriteria.map((c) => c.title).join(', ')}`] : []),
    ...(facts.evidence.outcome?.actions ?? []).map((a, i) => `Action ${i + 1}: ${a}`),
  ]), '');
  if (facts.mitigations.length) {
    out.push('### Mitigations recorded', '', table(['Criterion', 'Owner', 'Mitigation', 'Re-test by'], facts.mitigations.map((m) => [m.criterionId, person(facts, m.owner), m.mitigation, when(facts, m.retestDeadline)])), '');
  }
  out.push(signoffSection(facts), footer(facts));
  return { documentId: doc.id, title: doc.title, kind: 'generated', required: true, role: doc.role, markdown: out.join('\n'), attachments: [], personMustAdd: [] };
};

function phaseState(facts: ReportFacts, command: string | undefined, criteria: readonly string[], environment: string): string {
  if (command && /^baseline capture/.test(command)) {
    const env = command.split(/\s+/)[2] ?? environment;
    const list = facts.baselines.get(env) ?? [];
    return list[0] ? `baseline of ${list.length} queries, ${when(facts, list[0].capturedAt)}` : 'no baseline stored';
  }
  if (command && / migrate$/.test(command)) {
    const runs = migrations(facts, environment);
    const last = runs[runs.length - 1];
    return last ? `${runs.length} execution(s), last ${last.status} ${when(facts, last.finishedAt ?? last.startedAt)}` : 'no migration recorded';
  }
  const checks = facts.checkpoint.criteria.filter((c) => criteria.includes(c.id)).flatMap((c) => c.checks);
  const passed = checks.filter((k) => statusOf(facts, k.id) === 'pass').length;
  return checks.length ? `${passed}/${checks.length} checks pass` : '—';
}

function migrations(facts: ReportFacts, environment: string) {
  return facts.executions.filter((e) => e.purpose === 'migrate' && e.environment === environment);
}

function baselineSection(facts: ReportFacts, environment: string): string {
  const list = facts.baselines.get(environment) ?? [];
  if (!list.length) return `_No baseline stored for ${environment}._`;
  return table(['Query', 'Median', 'P95', 'Runs', 'Captured', 'By'], list.map((b) => [b.queryId, ms(b.medianMs), ms(b.p95Ms), b.samples.length, when(facts, b.capturedAt), person(facts, b.capturedBy)]));
}

function migrationSection(facts: ReportFacts, environment: string, backupPhase: boolean): string {
  const out: string[] = [];
  const notes = facts.audit.filter((a) => a.action.startsWith('migrate.') && a.checkpointId === facts.checkpoint.id);
  if (notes.length) {
    out.push(table(['At', 'By', 'Outcome', 'What golive said'], notes.map((a) => [when(facts, a.at), person(facts, a.actor), a.action.replace('migrate.', ''), typeof a.details.text === 'string' ? a.details.text : JSON.stringify(a.details)])), '');
  }
  const runs = migrations(facts, environment);
  if (runs.length === 0) out.push(`_No migration execution on ${environment} is recorded._`);
  // The backup phase shows the outcomes; the migration phase adds every step's log.
  if (backupPhase) {
    out.push(`The backup precedes each migration (pg_dump, verified with pg_restore --list); its file is named in the outcome above.`);
  } else {
    for (const e of runs) out.push(executionSection(facts, e), '');
    const total = runs.filter((e) => e.status === 'succeeded').reduce((s, e) => s + e.steps.reduce((t, x) => t + (x.durationMs ?? 0), 0), 0);
    if (runs.length) out.push(`Steps of the succeeded executions took ${duration(total)} in all.`);
  }
  return out.join('\n');
}
