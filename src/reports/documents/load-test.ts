import { dualAxisChartSvg, LINE_CHART_SIZE, renderPng } from '../../charts/index.js';
import { toCsv } from '../csv.js';
import { bullets, duration, expectationText, isRecord, ms, num, pct, pick, statusLabel, table } from '../markdown.js';
import type { DocumentBuilder, ReportFacts, ReportFile } from '../types.js';
import { checksOfType, fileBase, firstResultWithEvidence, footer, header, resultOf, signoffSection } from './common.js';

/**
 * Load Test Results (raw data + analysis): the load_test execution's figures
 * as the checks judged them, a chart of throughput and P95 per interval, and
 * the raw data as CSV: the per-interval series and the latency histogram.
 */

export interface IntervalRow {
  index: number;
  start_s: number;
  seconds: number;
  transactions: number;
  errors: number;
  tps: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
}

/** Histogram buckets as a load test may store them: [{from_ms, to_ms, count}]. */
export interface HistogramBucket {
  from_ms: number;
  to_ms: number;
  count: number;
}

export function intervalsOf(evidence: unknown): IntervalRow[] {
  const list = pick(evidence, 'intervals');
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((i, index) => ({
    index: numberOr(i.index) ?? index,
    start_s: numberOr(i.start_s) ?? 0,
    seconds: numberOr(i.seconds) ?? 0,
    transactions: numberOr(i.transactions) ?? 0,
    errors: numberOr(i.errors) ?? 0,
    tps: numberOr(i.tps),
    p50_ms: numberOr(i.p50_ms),
    p95_ms: numberOr(i.p95_ms),
  }));
}

export function histogramOf(evidence: unknown): HistogramBucket[] | undefined {
  const list = pick(evidence, 'latency_histogram');
  if (!Array.isArray(list)) return undefined;
  return list
    .filter(isRecord)
    .map((b) => ({ from_ms: numberOr(b.from_ms) ?? 0, to_ms: numberOr(b.to_ms) ?? 0, count: numberOr(b.count) ?? 0 }))
    .filter((b) => b.count > 0);
}

export const loadTestResults: DocumentBuilder = (facts, doc) => {
  const checks = checksOfType(facts, 'load_test');
  const shared = firstResultWithEvidence(facts, checks);
  const evidence = shared?.evidence;
  const observed = shared?.observed;
  const intervals = intervalsOf(evidence);
  const base = fileBase(facts);
  const attachments: ReportFile[] = [];
  const out: string[] = [header(facts, doc.title, doc.source, 'generated')];

  if (!shared) {
    out.push('_No load_test result is stored for this run: run the checkpoint (its load test) first._', '', footer(facts));
    return { documentId: doc.id, title: doc.title, kind: 'generated', required: true, role: doc.role, markdown: out.join('\n'), attachments, personMustAdd: [] };
  }

  out.push('## The run', '');
  out.push(
    table(
      ['Setting', 'Value'],
      [
        ['Target', pick(evidence, 'target')],
        ['Clients', pick(evidence, 'clients')],
        ['Connected at start / peak', `${num(pick(evidence, 'connected_at_start'))} / ${num(pick(evidence, 'peak_connected'))}`],
        ['Planned duration', pick(evidence, 'duration')],
        ['Measured duration', duration(pick(evidence, 'elapsed_ms') ?? pick(observed, 'duration_ms'))],
        ['Query mix', Array.isArray(pick(evidence, 'queries')) ? (pick(evidence, 'queries') as unknown[]).map((q) => `${q} ×${num(pick(evidence, 'weights', String(q)))}`).join(', ') : '—'],
        ['Server connection slots', `${num(pick(evidence, 'capacity', 'available'))} free of ${num(pick(evidence, 'capacity', 'max_connections'))}`],
      ],
    ),
    '',
  );

  out.push('## Analysis: each seed line against its figure', '');
  out.push(
    table(
      ['Seed line', 'Figure', 'Observed', 'Rule', 'Status'],
      checks.map((k) => {
        const r = resultOf(facts, k.id);
        const metric = (Array.isArray(k.expect) ? k.expect[0]?.metric : k.expect?.metric) ?? '—';
        return [k.source ?? k.title, metric, formatFigure(metric, pick(r?.observed, metric)), expectationText(k), statusLabel(r?.status)];
      }),
    ),
    '',
  );
  out.push(
    table(
      ['Figure', 'Value'],
      [
        ['Transactions', num(pick(observed, 'transactions'), 0)],
        ['Throughput', `${num(pick(observed, 'tps'))} tps`],
        ['Throughput change, first quarter → last', pick(observed, 'throughput_degradation_pct') === null ? 'too few intervals' : `${pct(pick(observed, 'throughput_degradation_pct'))} drop`],
        ['P50 / P95 / P99', `${ms(pick(observed, 'p50_ms'))} / ${ms(pick(observed, 'p95_ms'))} / ${ms(pick(observed, 'p99_ms'))}`],
        ['Errors', `${num(pick(observed, 'errors'), 0)} (${pct(pick(observed, 'error_rate_pct'))})`],
        ['CPU / memory peak', `${pct(pick(observed, 'cpu_peak_pct'))} / ${pct(pick(observed, 'memory_peak_pct'))}`],
      ],
    ),
    '',
  );

  const byQuery = pick(evidence, 'by_query');
  if (isRecord(byQuery)) {
    out.push('## Per query', '');
    out.push(
      table(
        ['Query', 'Count', 'Min', 'Mean', 'P50', 'P95', 'P99', 'Max', 'Errors'],
        Object.entries(byQuery).map(([id, s]) => [id, num(pick(s, 'count'), 0), ms(pick(s, 'min_ms')), ms(pick(s, 'mean_ms')), ms(pick(s, 'p50_ms')), ms(pick(s, 'p95_ms')), ms(pick(s, 'p99_ms')), ms(pick(s, 'max_ms')), num(pick(s, 'errors'), 0)]),
      ),
      '',
    );
  }

  const errorsByKind = pick(evidence, 'errors_by_kind');
  const samples = pick(evidence, 'error_samples');
  if (isRecord(errorsByKind) && Object.keys(errorsByKind).length) {
    out.push('## Errors', '', table(['Kind', 'Count'], Object.entries(errorsByKind).map(([k, v]) => [k, num(v, 0)])), '');
    if (Array.isArray(samples) && samples.length) out.push(bullets(samples.map((s) => `\`${String(s)}\``)), '');
  }

  out.push('## Over time', '');
  if (intervals.length) {
    const chart = chartOf(facts, intervals, String(pick(evidence, 'clients') ?? ''));
    attachments.push(chart);
    out.push(`![Throughput and P95 over time](${chart.filename})`, '', `Chart: \`${chart.filename}\` (${LINE_CHART_SIZE.width}×${LINE_CHART_SIZE.height} PNG).`, '');
    const csv = `${base}-load_test_intervals.csv`;
    attachments.push({ filename: csv, title: `Load test per interval · run #${facts.run.number}`, mimetype: 'text/csv', bytes: toCsv(['index', 'start_s', 'seconds', 'transactions', 'errors', 'tps', 'p50_ms', 'p95_ms'], intervals.map((i) => [i.index, i.start_s, i.seconds, i.transactions, i.errors, i.tps, i.p50_ms, i.p95_ms])) });
    out.push(`Raw data: \`${csv}\` (${intervals.length} intervals).`, '');
    const shown = intervals.length > 40 ? [...intervals.slice(0, 20), ...intervals.slice(-20)] : intervals;
    out.push(table(['#', 'From (s)', 'Transactions', 'Errors', 'tps', 'P50', 'P95'], shown.map((i) => [i.index, num(i.start_s), num(i.transactions, 0), num(i.errors, 0), num(i.tps), ms(i.p50_ms), ms(i.p95_ms)])), '');
    if (shown.length < intervals.length) out.push(`_The first and last 20 of ${intervals.length} intervals; every one is in the CSV._`, '');
  } else {
    out.push('_The stored evidence has no per-interval figures._', '');
  }

  out.push('## Latency histogram', '');
  const histogram = histogramOf(evidence);
  const histFile = `${base}-load_test_latency_histogram.csv`;
  if (histogram && histogram.length) {
    const total = histogram.reduce((s, b) => s + b.count, 0);
    let seen = 0;
    attachments.push({
      filename: histFile,
      title: `Load test latency histogram · run #${facts.run.number}`,
      mimetype: 'text/csv',
      bytes: toCsv(['from_ms', 'to_ms', 'count', 'cumulative_pct'], histogram.map((b) => [b.from_ms, b.to_ms, b.count, Math.round(((seen += b.count) / total) * 10000) / 100])),
    });
    out.push(`Every request counted in a bucket (${num(total, 0)} requests, ${histogram.length} non-empty buckets): \`${histFile}\`.`, '');
  } else {
    // Percentiles are what the run stored; say so rather than invent buckets.
    const rows: unknown[][] = [['all', pick(evidence, 'latency', 'count'), pick(evidence, 'latency', 'min_ms'), pick(evidence, 'latency', 'p50_ms'), pick(evidence, 'latency', 'p95_ms'), pick(evidence, 'latency', 'p99_ms'), pick(evidence, 'latency', 'max_ms'), pick(evidence, 'latency', 'mean_ms')]];
    if (isRecord(byQuery)) for (const [id, s] of Object.entries(byQuery)) rows.push([id, pick(s, 'count'), pick(s, 'min_ms'), pick(s, 'p50_ms'), pick(s, 'p95_ms'), pick(s, 'p99_ms'), pick(s, 'max_ms'), pick(s, 'mean_ms')]);
    const file = `${base}-load_test_latency_percentiles.csv`;
    attachments.push({ filename: file, title: `Load test latency percentiles · run #${facts.run.number}`, mimetype: 'text/csv', bytes: toCsv(['scope', 'count', 'min_ms', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'mean_ms'], rows) });
    out.push(`This run’s evidence stores the latency distribution as percentiles of its histogram, not the buckets: \`${file}\` has them for all requests and per query.`, '');
  }

  out.push(signoffSection(facts), footer(facts));
  return { documentId: doc.id, title: doc.title, kind: 'generated', required: true, role: doc.role, markdown: out.join('\n'), attachments, personMustAdd: [] };
};

function chartOf(facts: ReportFacts, intervals: IntervalRow[], clients: string): ReportFile {
  const svg = dualAxisChartSvg({
    title: `Load test: throughput and P95 over time`,
    subtitle: `${facts.plan.id.toUpperCase()} ${facts.checkpoint.id.toUpperCase()} run #${facts.run.number} on ${facts.run.environment ?? facts.checkpoint.environment}${clients ? ` · ${clients} clients` : ''}`,
    xSeconds: intervals.map((i) => i.start_s + i.seconds),
    left: { name: 'Throughput (tps)', color: '#2f7ed8', unit: 'transactions/s', values: intervals.map((i) => i.tps) },
    right: { name: 'P95 latency (ms)', color: '#d9534f', unit: 'P95 latency (ms)', values: intervals.map((i) => i.p95_ms) },
  });
  return {
    filename: `${fileBase(facts)}-load_test.png`,
    title: `Load test throughput and P95 · ${facts.checkpoint.id} run #${facts.run.number}`,
    mimetype: 'image/png',
    bytes: renderPng(svg),
    altText: `Throughput and P95 latency over ${intervals.length} intervals`,
  };
}

function formatFigure(metric: string, value: unknown): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (metric.endsWith('_ms') && metric !== 'duration_ms') return ms(value);
  if (metric === 'duration_ms') return duration(value);
  if (metric.endsWith('_pct')) return pct(value);
  return num(value);
}

function numberOr(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
