import { bullets, duration, expectationText, isRecord, num, pick, statusLabel, table } from '../markdown.js';
import type { DocumentBuilder, ReportFacts } from '../types.js';
import type { ExecutionLine } from '../sources.js';
import { checksOfType, firstResultWithEvidence, footer, header, resultOf, signoffSection, when } from './common.js';

/**
 * Rollback Test Report: every repetition of the rollback drill (rollback
 * time against the limit, the table verified after it, reconnection, the
 * migration again), and the step logs of the executions it ran.
 */
export const rollbackTestReport: DocumentBuilder = (facts, doc) => {
  const checks = checksOfType(facts, 'rollback_drill');
  const shared = firstResultWithEvidence(facts, checks);
  const out: string[] = [header(facts, doc.title, doc.source, 'generated')];
  if (!shared) {
    out.push('_No rollback_drill result is stored for this run: run the checkpoint (its rollback drill) first._', '', footer(facts));
    return { documentId: doc.id, title: doc.title, kind: 'generated', required: true, role: doc.role, markdown: out.join('\n'), attachments: [], personMustAdd: [] };
  }
  const evidence = shared.evidence;
  const observed = shared.observed;
  const reps = (Array.isArray(pick(evidence, 'runs')) ? (pick(evidence, 'runs') as unknown[]) : []).filter(isRecord);

  out.push('## Result', '');
  out.push(
    table(
      ['Seed line', 'Rule', 'Status', 'Message'],
      checks.map((k) => {
        const r = resultOf(facts, k.id);
        return [k.source ?? k.title, expectationText(k), statusLabel(r?.status), r?.message];
      }),
    ),
    '',
  );
  out.push(
    bullets([
      `Repetitions: ${num(pick(observed, 'runs'), 0)}, successful ${num(pick(observed, 'successful_runs'), 0)}, failed ${num(pick(observed, 'failed_runs'), 0)}`,
      `Slowest rollback: ${duration(pick(observed, 'max_rollback_ms'))}; average ${duration(pick(observed, 'avg_rollback_ms'))}`,
      `Data recovered: ${num(pick(observed, 'recovered_pct'))} %; invalid indexes after a rollback: ${num(pick(observed, 'invalid_indexes_after'), 0)}; application reconnection: ${pick(observed, 'reconnect_ok') === true ? 'successful' : 'not successful'}`,
    ]),
    '',
  );

  const before = pick(evidence, 'before');
  if (isRecord(before)) {
    out.push('## The table before the drill', '', bullets([`Kind: ${String(before.kind ?? '—')}`, `Rows: ${num(before.rows, 0)}`, `Checksum: \`${String(before.checksum ?? '—')}\``, `Partitions: ${num(before.partitions, 0)}`]), '');
  }

  out.push('## Executions', '');
  out.push(
    table(
      ['#', 'Rollback', 'Within limit', 'Rows after', 'Checksum after', 'Invalid indexes', 'Reconnect', 'Migrated again', 'OK', 'Problem'],
      reps.map((r) => [
        r.n,
        duration(r.rollback_ms),
        r.within_limit === null || r.within_limit === undefined ? '—' : r.within_limit ? 'yes' : 'no',
        num(pick(r, 'after_rollback', 'rows'), 0),
        pick(r, 'after_rollback', 'checksum') === undefined ? '—' : pick(r, 'after_rollback', 'checksum') === pick(before, 'checksum') ? 'equal' : 'different',
        Array.isArray(pick(r, 'after_rollback', 'invalid_indexes')) ? (pick(r, 'after_rollback', 'invalid_indexes') as unknown[]).length : '—',
        r.reconnect_ok === true ? 'yes' : r.reconnect_ok === false ? 'no' : '—',
        duration(r.migrate_ms),
        r.ok ? '✅' : '❌',
        r.problem,
      ]),
    ),
    '',
  );

  const ids = new Set(reps.flatMap((r) => [r.rollback_execution, ...(Array.isArray(r.migrate_executions) ? r.migrate_executions : [])]).filter((x): x is number => typeof x === 'number'));
  const executions = facts.executions.filter((e) => ids.has(e.id));
  if (executions.length) {
    out.push('## Step logs', '');
    for (const e of executions) out.push(executionSection(facts, e), '');
  }
  out.push(signoffSection(facts), footer(facts));
  return { documentId: doc.id, title: doc.title, kind: 'generated', required: true, role: doc.role, markdown: out.join('\n'), attachments: [], personMustAdd: [] };
};

export function executionSection(facts: ReportFacts, e: ExecutionLine): string {
  const head = `### Execution ${e.id}: ${e.file} (${e.purpose}) · ${e.status}`;
  const meta = `Started ${when(facts, e.startedAt)}, finished ${when(facts, e.finishedAt)}; file sha256 \`${e.fileSha256.slice(0, 16)}…\`${e.error ? `; error: ${e.error}` : ''}`;
  const steps = table(
    ['#', 'Step', 'Status', 'Duration', 'Budget', 'Error'],
    e.steps.map((s) => [s.ordinal, s.name, s.status, duration(s.durationMs), s.budgetMs === null ? '—' : duration(s.budgetMs), s.error]),
  );
  return [head, '', meta, '', steps].join('\n');
}
