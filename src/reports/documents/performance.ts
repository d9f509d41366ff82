import { groupedBarChartSvg, renderPng, BAR_CHART_SIZE } from '../../charts/index.js';
import { round2 } from '../../checks/stats.js';
import { expectationText, ms, num, pick, statusLabel, table } from '../markdown.js';
import type { DocumentBuilder, ReportFacts, ReportFile } from '../types.js';
import { checksOfType, fileBase, footer, header, person, resultOf, signoffSection, when } from './common.js';

/**
 * Performance Comparison: each named query's time before the migration (the
 * stored baseline) and after (this run's query_performance results), with a
 * PNG chart of both. The seed's own figures (baseline, target, shadow
 * result) are quoted beside them, labelled as the seed's.
 */

export interface QueryComparison {
  checkId: string;
  query: string;
  title: string;
  environment: string;
  beforeMs: number | null;
  afterMs: number | null;
  improvementPct: number | null;
  status: string;
  rule: string;
  seedLines: string[];
  runsMs: number[];
  p95Ms: number | null;
  referenceLabel: string | null;
}

export function queryComparisons(facts: ReportFacts): QueryComparison[] {
  const environment = facts.run.environment ?? facts.checkpoint.environment;
  return checksOfType(facts, 'query_performance').map((k) => {
    const r = resultOf(facts, k.id);
    const query = String(k.params.query ?? k.id);
    const env = k.environment ?? environment;
    const stored = facts.baselines.get(env)?.find((b) => b.queryId === query);
    const before = numberOr(pick(r?.observed, 'baseline_ms')) ?? stored?.medianMs ?? null;
    const after = numberOr(pick(r?.observed, 'ms'));
    const improvement = numberOr(pick(r?.observed, 'improvement_pct')) ?? (before && after !== null ? round2(((before - after) / before) * 100) : null);
    const runs = pick(r?.evidence, 'runs');
    return {
      checkId: k.id,
      query,
      title: facts.plan.queries[query]?.title ?? k.title,
      environment: env,
      beforeMs: before,
      afterMs: after,
      improvementPct: improvement,
      status: statusLabel(r?.status),
      rule: expectationText(k),
      seedLines: k.source_detail ?? [],
      runsMs: Array.isArray(runs) ? runs.map((x) => (typeof x === 'number' ? x : numberOr(pick(x, 'ms')))).filter((x): x is number => x !== null) : [],
      p95Ms: numberOr(pick(r?.evidence, 'p95_ms')),
      referenceLabel: typeof pick(r?.evidence, 'reference', 'kind') === 'string' ? String(pick(r?.evidence, 'reference', 'kind')) : null,
    };
  });
}

export const performanceComparison: DocumentBuilder = (facts, doc) => {
  const rows = queryComparisons(facts);
  const environment = facts.run.environment ?? facts.checkpoint.environment;
  const base = fileBase(facts);
  const attachments: ReportFile[] = [];
  const out: string[] = [header(facts, doc.title, doc.source, 'generated')];

  out.push('## Before and after', '');
  out.push(
    table(
      ['Query', 'Before (baseline median)', 'After (this run)', 'Change', 'Rule', 'Status'],
      rows.map((q) => [label(q), ms(q.beforeMs), ms(q.afterMs), q.improvementPct === null ? '—' : `${num(q.improvementPct)} % faster`, q.rule, q.status]),
    ),
    '',
  );
  if (rows.length === 0) out.push('_This checkpoint has no query_performance checks._', '');

  if (rows.some((q) => q.beforeMs !== null || q.afterMs !== null)) {
    const chart = chartOf(facts, rows, environment);
    attachments.push(chart);
    out.push(`![Q latency before and after](${chart.filename})`, '', `Chart: \`${chart.filename}\` (${BAR_CHART_SIZE.width}×${BAR_CHART_SIZE.height} PNG).`, '');
  }

  out.push('## The baseline (before)', '');
  const baselines = facts.baselines.get(environment) ?? [];
  out.push(
    baselines.length
      ? table(
          ['Query', 'Median', 'P95', 'Runs', 'Server', 'Captured', 'By'],
          baselines.map((b) => [b.queryId, ms(b.medianMs), ms(b.p95Ms), b.samples.length, b.serverVersion, when(facts, b.capturedAt), person(facts, b.capturedBy)]),
        )
      : `_No baseline is stored for ${environment}: \`/golive ${facts.plan.id} baseline capture ${environment}\` records one before the migration._`,
    '',
  );

  out.push('## Shadow and the seed’s figures', '');
  out.push('Shadow was migrated and validated before this go-live (APPROVED_FROM_SHADOW). The seed’s figures are quoted as written; golive judges by its own measurements above.', '');
  const shadowBaselines = [...facts.baselines].filter(([env]) => env !== environment);
  out.push(
    table(
      ['Query', 'Seed: baseline', 'Seed: target', 'Seed: shadow result', 'Shadow vs seed baseline', 'This run', 'Seed lines'],
      rows.map((q) => {
        const f = facts.plan.queries[q.query]?.figures ?? {};
        const shadowPct = f.shadow_ms !== undefined && f.baseline_ms ? `${num(((f.shadow_ms - f.baseline_ms) / f.baseline_ms) * 100, 1)} %` : undefined;
        return [label(q), ms(f.baseline_ms), ms(f.target_ms), ms(f.shadow_ms), shadowPct, q.improvementPct === null ? '—' : `${num(-q.improvementPct, 1)} % vs its own baseline`, q.seedLines.map((l) => `“${l}”`).join(' · ')];
      }),
    ),
    '',
  );
  const measured = rows.flatMap((q) =>
    shadowBaselines.flatMap(([env, list]) => {
      const b = list.find((x) => x.queryId === q.query);
      return b ? [`${q.query} on ${env}: median ${ms(b.medianMs)}, P95 ${ms(b.p95Ms)} (stored ${when(facts, b.capturedAt)})`] : [];
    }),
  );
  if (measured.length) out.push('Timings golive stored on other environments:', '', ...measured.map((m) => `- ${m}`), '');

  out.push('## Every timed run', '');
  out.push(
    table(
      ['Query', 'Runs (ms)', 'P95', 'Compared with'],
      rows.map((q) => [q.query, q.runsMs.length ? q.runsMs.map((v) => num(v)).join(', ') : 'not stored', ms(q.p95Ms), q.referenceLabel ?? '—']),
    ),
    '',
  );
  out.push(signoffSection(facts), footer(facts));
  return { documentId: doc.id, title: doc.title, kind: 'generated', required: true, role: doc.role, markdown: out.join('\n'), attachments, personMustAdd: [] };
};

function chartOf(facts: ReportFacts, rows: QueryComparison[], environment: string): ReportFile {
  const svg = groupedBarChartSvg({
    title: `${facts.plan.id.toUpperCase()} query latency before and after (${environment})`,
    subtitle: `${facts.checkpoint.id.toUpperCase()} run #${facts.run.number} · median of the timed runs`,
    categories: rows.map((q) => q.query),
    series: [
      { name: 'Before (baseline)', color: '#9aa5b1', values: rows.map((q) => q.beforeMs) },
      { name: 'After (this run)', color: '#2f7ed8', values: rows.map((q) => q.afterMs) },
    ],
    yLabel: 'median latency (ms)',
    notes: rows.map((q) => (q.improvementPct === null ? undefined : `${q.improvementPct >= 0 ? '-' : '+'}${num(Math.abs(q.improvementPct), 1)} %`)),
  });
  const filename = `${fileBase(facts)}-performance_comparison.png`;
  return {
    filename,
    title: `Query latency before and after · ${facts.checkpoint.id} run #${facts.run.number}`,
    mimetype: 'image/png',
    bytes: renderPng(svg),
    altText: rows.map((q) => `${q.query}: before ${ms(q.beforeMs)}, after ${ms(q.afterMs)}`).join('; '),
  };
}

/** "Q1 ST_Contains": the query's title, prefixed with its id unless the title starts with it. */
function label(q: QueryComparison): string {
  return q.title.startsWith(q.query) ? q.title : `${q.query} ${q.title}`;
}

function numberOr(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

