import { formatLocal } from '../../plan/time.js';
import type { Check, Criterion } from '../../plan/schema.js';
import type { CheckResultRecord, ResultStatus } from '../../store/runs.js';
import { cell, expectationText, statusLabel, table } from '../markdown.js';
import type { ReportFacts } from '../types.js';

/** Pieces every document shares: its header, people, times, results of checks. */

export function when(facts: ReportFacts, at: Date | null | undefined): string {
  return at ? formatLocal(at, facts.plan.time_zone, false) : '—';
}

/** "U01AAAA (dba)": the id Slack knows and the roles the roles file gives it. */
export function person(facts: ReportFacts, userId: string | null | undefined): string {
  if (!userId) return '—';
  const name = facts.people.get(userId);
  return name ? `${userId} (${name})` : userId;
}

export function roleTitle(facts: ReportFacts, role: string | undefined): string {
  if (!role) return '—';
  return facts.plan.roles[role]?.title ?? role;
}

export function header(facts: ReportFacts, title: string, seedLine: string | undefined, kind: 'generated' | 'template'): string {
  const { plan, checkpoint: cp, run, evidence } = facts;
  const rows: [string, string][] = [
    ['Plan', `${plan.title} (\`${plan.id}\`${plan.version ? `, version ${plan.version}` : ''})`],
    ['Checkpoint', `${cp.id.toUpperCase()} ${cp.title} · ${cp.window.label ?? ''}`.trim()],
    ['Run', `#${run.number} on ${run.environment ?? cp.environment}, started ${when(facts, run.startedAt)} by ${person(facts, run.startedBy)}, finished ${when(facts, run.finishedAt)}`],
    ['Decision', `${evidence.label}${evidence.failedCriteria.length ? ` (failed: ${evidence.failedCriteria.map((c) => c.title).join(', ')})` : ''}`],
    ['Evidence digest', run.evidenceDigest ? `\`${run.evidenceDigest}\`` : 'none (the run has not finished)'],
    ['Generated', `${formatLocal(facts.generatedAt, plan.time_zone, true)} by golive for ${person(facts, facts.generatedBy)}`],
  ];
  if (seedLine) rows.push(['Seed line', `“${seedLine}”`]);
  const lines = [`# ${title}`, '', `**${plan.document?.title ?? plan.title}**${plan.document?.subtitle ? ` · ${plan.document.subtitle}` : ''}`, ''];
  lines.push('| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`), '');
  lines.push(
    kind === 'generated'
      ? '_Every figure below was read from golive’s state database (stored check results, evidence, baselines, step logs and records of the run named above). Where a figure was never stored, the document says so._'
      : '_A template: golive filled in everything it knows from the run named above. A person completes the sections listed under “A person must add”._',
    '',
  );
  return lines.join('\n');
}

export function resultOf(facts: ReportFacts, checkId: string): CheckResultRecord | undefined {
  return facts.results.get(checkId);
}

/** A check's status on the run: a manual check's attestation stands for its pending result. */
export function statusOf(facts: ReportFacts, checkId: string): ResultStatus | undefined {
  const attested = facts.attestations.find((a) => a.checkId === checkId);
  if (attested) return attested.outcome;
  return resultOf(facts, checkId)?.status;
}

/** One row per check of the criteria: status, rule, observed, message. */
export function checksTable(facts: ReportFacts, checks: readonly Check[]): string {
  return table(
    ['Check', 'Status', 'Rule', 'Message'],
    checks.map((k) => {
      const r = resultOf(facts, k.id);
      const attested = facts.attestations.find((a) => a.checkId === k.id);
      const message = attested ? `attested ${attested.outcome} by ${person(facts, attested.userId)} (${attested.role})${attested.note ? `: ${attested.note}` : ''}` : r?.message;
      return [k.title, statusLabel(statusOf(facts, k.id)), expectationText(k), message];
    }),
  );
}

export function criterionStatus(facts: ReportFacts, criterion: Criterion): string {
  const statuses = criterion.checks.filter((k) => !k.optional).map((k) => statusOf(facts, k.id));
  const passed = statuses.filter((s) => s === 'pass').length;
  const bad = statuses.filter((s) => s === 'fail' || s === 'error').length;
  const verdict = bad > 0 ? '❌' : passed === statuses.length ? '✅' : '⏳';
  return `${verdict} ${passed}/${statuses.length} checks pass`;
}

export function criteriaSection(facts: ReportFacts, criteria: readonly Criterion[], level = '##'): string {
  const out: string[] = [];
  for (const c of criteria) {
    out.push(`${level} ${c.title} · ${criterionStatus(facts, c)}`, '');
    if (c.source) out.push(`Seed: “${c.source}”${c.requirement ? ` · ${c.requirement}` : ''}`, '');
    out.push(checksTable(facts, c.checks), '');
  }
  return out.join('\n');
}

export function signoffSection(facts: ReportFacts): string {
  const cp = facts.checkpoint;
  const rows = cp.signoffs.map((s) => {
    const signed = facts.signoffs.find((x) => x.role === s.role);
    return [roleTitle(facts, s.role), s.scope, signed ? `✅ ${person(facts, signed.userId)}` : '☐ not signed', signed ? when(facts, signed.signedAt) : '—'];
  });
  return ['## Sign-offs on this run', '', table(['Role', 'Confirms', 'Signed by', 'At'], rows), ''].join('\n');
}

export function personMustAddSection(items: readonly string[]): string {
  return ['## A person must add:', '', ...items.map((i) => `- [ ] ${i}`), ''].join('\n');
}

export function footer(facts: ReportFacts): string {
  return ['---', `_golive · ${facts.plan.id} ${facts.checkpoint.id} run #${facts.run.number} · ${facts.run.evidenceDigest ? `evidence ${facts.run.evidenceDigest.slice(0, 12)}` : 'no evidence digest'}_`, ''].join('\n');
}

export function checksOfType(facts: ReportFacts, type: string): Check[] {
  return [...facts.checkpoint.criteria.flatMap((c) => c.checks), ...facts.checkpoint.trigger_checks].filter((k) => k.type === type);
}

/** The result that carries a shared execution's evidence (every check of the group stores the same). */
export function firstResultWithEvidence(facts: ReportFacts, checks: readonly Check[]): CheckResultRecord | undefined {
  const results = checks.map((k) => resultOf(facts, k.id)).filter((r): r is CheckResultRecord => r !== undefined);
  return results.find((r) => r.evidence && typeof r.evidence === 'object' && Object.keys(r.evidence as object).length > 0) ?? results[0];
}

export function fileBase(facts: ReportFacts): string {
  return `${facts.plan.id}-${facts.checkpoint.id}-run${facts.run.number}`;
}
