import type { Check } from '../../plan/schema.js';
import { isRecord, pick } from '../markdown.js';
import type { DocumentBuilder, ReportFacts } from '../types.js';
import { checksOfType, footer, header, person, resultOf, signoffSection, statusOf, when } from './common.js';

/**
 * Application Validation Checklist: one box per application feature the plan
 * exercises, ticked only when its check passed on this run (or a role holder
 * attested it), with what the check compared.
 */
export const applicationChecklist: DocumentBuilder = (facts, doc) => {
  const checks = featureChecks(facts);
  const out: string[] = [header(facts, doc.title, doc.source, 'generated')];
  const passed = checks.filter((k) => isPassed(facts, k)).length;
  out.push(`## Checklist · ${passed} of ${checks.length} working`, '');
  for (const k of checks) {
    const r = resultOf(facts, k.id);
    const a = facts.attestations.find((x) => x.checkId === k.id);
    const box = isPassed(facts, k) ? '[x]' : '[ ]';
    const status = r?.status ?? (a ? `attested ${a.outcome}` : 'not run');
    out.push(`- ${box} **${k.title}** (${status})${k.source ? ` · seed: “${k.source}”` : ''}`);
    if (r?.message) out.push(`  - ${r.message}`);
    if (a) out.push(`  - attested by ${person(facts, a.userId)} as ${a.role} at ${when(facts, a.attestedAt)}${a.note ? `: ${a.note}` : ''}`);
    const compared = pick(r?.evidence, 'compare');
    if (isRecord(compared)) out.push(`  - compared with ${String(compared.environment ?? 'the reference')}`);
  }
  if (checks.length === 0) out.push('_This checkpoint has no application feature checks._');
  out.push('', `Result: ${passed === checks.length && checks.length > 0 ? 'all features PASS (zero regressions)' : `${checks.length - passed} feature(s) not shown working`}.`, '');
  out.push(signoffSection(facts), footer(facts));
  return { documentId: doc.id, title: doc.title, kind: 'generated', required: true, role: doc.role, markdown: out.join('\n'), attachments: [], personMustAdd: [] };
};

/** feature_smoke checks; else the checks of a criterion about application features. */
function featureChecks(facts: ReportFacts): Check[] {
  const smoke = checksOfType(facts, 'feature_smoke');
  if (smoke.length) return smoke;
  return facts.checkpoint.criteria.filter((c) => /application|feature/i.test(`${c.id} ${c.title}`)).flatMap((c) => c.checks);
}

function isPassed(facts: ReportFacts, k: Check): boolean {
  return statusOf(facts, k.id) === 'pass';
}
