import { groupedBarChartSvg, renderPng } from '../../charts/index.js';
import { bullets, duration, ms, num, pct, table } from '../markdown.js';
import type { DocumentBuilder, ReportFacts, ReportFile } from '../types.js';
import { fileBase, footer, header, personMustAddSection, when } from './common.js';

/**
 * The seed's "Daily Reports" of the monitoring period (uptime, error
 * summary, performance against the baseline, resource trends, incident log,
 * recommendations), from the stability window's samples up to the request.
 * Not a document the plan's gate requires: golive adds it to a checkpoint
 * with a monitoring period.
 */

export const dailyReport: DocumentBuilder = (facts, doc) => {
  const s = facts.stability;
  const out: string[] = [header(facts, doc.title, doc.source, 'generated')];
  const attachments: ReportFile[] = [];
  if (!s?.period) {
    out.push('_This checkpoint has no stability window golive could read._', '', footer(facts));
    return { documentId: doc.id, title: doc.title, kind: 'generated', required: false, markdown: out.join('\n'), attachments, personMustAdd: [] };
  }
  out.push(`Monitoring period ${s.period.startLabel} → ${s.period.endLabel} on ${s.environment}: ${s.period.state === 'during' ? 'in progress' : s.period.state}, ${duration(s.period.coveredMs)} covered by samples.`, '');
  const titles = new Map((facts.checkpoint.monitoring?.daily_report ?? []).map((d) => [d.id, d.title]));
  const title = (id: string, fallback: string) => titles.get(id) ?? fallback;

  out.push(`## ${title('uptime_pct', 'Uptime percentage')}`, '');
  out.push(table(['Probe', 'Availability', 'Down time', 'Longest outage', 'Samples taken / owed', 'P50 / P95 / P99'], s.uptime.map(({ kind, summary: u }) => [kind, pct(u.availabilityPct), duration(u.downtimeMs), duration(u.longestOutageMs), `${u.taken} / ${u.expected}`, `${ms(u.p50Ms)} / ${ms(u.p95Ms)} / ${ms(u.p99Ms)}`])), '');

  out.push(`## ${title('error_summary', 'Error summary')}`, '');
  const m = s.metrics;
  out.push(bullets([
    ...s.uptime.map(({ kind, summary: u }) => `${kind} probes: error rate ${pct(u.errorRatePct)}, ${u.timeouts} timeouts`),
    ...(m ? [`Database: ${num(m.rollbacks, 0)} rollbacks of ${num(m.commits + m.rollbacks, 0)} transactions, ${num(m.deadlocks, 0)} deadlocks, ${num(m.conflicts, 0)} conflicts`] : []),
    ...(m && Object.keys(m.errors).length ? [`Sample sections not read: ${Object.entries(m.errors).map(([k, n]) => `${k} ×${n}`).join(', ')}`] : []),
    `Alerts opened in the period: ${s.alertsInPeriod}; open now: ${s.openAlerts.length}`,
  ]), '');

  out.push(`## ${title('performance_vs_baseline', 'Performance comparison (vs baseline)')}`, '');
  const queries = Object.entries(m?.queries ?? {});
  out.push(table(['Query', 'Baseline median', 'Median in period', 'P99 in period', 'vs baseline', 'First → last quarter'], queries.map(([id, q]) => [s.queryTitles[id]?.startsWith(id) ? s.queryTitles[id] : `${id} ${s.queryTitles[id] ?? ''}`.trim(), ms(s.baselines[id]), ms(q.medianMs), ms(q.p99Ms), pct(q.vsBaselinePct, true), `${ms(q.firstQuarterMs)} → ${ms(q.lastQuarterMs)}`])), '');
  if (queries.length) {
    const svg = groupedBarChartSvg({
      title: `Query latency: baseline and monitoring period (${s.environment})`,
      subtitle: `${facts.plan.id.toUpperCase()} ${facts.checkpoint.id.toUpperCase()} · ${m?.samples ?? 0} metric samples`,
      categories: queries.map(([id]) => id),
      series: [
        { name: 'Baseline (before)', color: '#9aa5b1', values: queries.map(([id]) => s.baselines[id] ?? null) },
        { name: 'Median in period', color: '#2f7ed8', values: queries.map(([, q]) => q.medianMs) },
      ],
      yLabel: 'median latency (ms)',
    });
    const file: ReportFile = { filename: `${fileBase(facts)}-daily_report.png`, title: `Query latency vs baseline · ${facts.checkpoint.id}`, mimetype: 'image/png', bytes: renderPng(svg), altText: 'Query latency: baseline and monitoring period' };
    attachments.push(file);
    out.push(`![Query latency vs baseline](${file.filename})`, '');
  }

  out.push(`## ${title('resource_trends', 'Resource utilization trends')}`, '');
  out.push(table(['Figure', 'Average', 'Peak'], [
    ['Connections', num(m?.connectionsAvg), `${num(m?.connectionsPeak, 0)} of ${num(m?.connectionsMax, 0)}`],
    ['Cache hit ratio', pct(m?.cacheHitPct), '—'],
    ['Sessions waiting on a lock', '—', `${num(m?.lockWaitsPeak, 0)} (longest ${num(m?.longestLockWaitS)} s)`],
    ['Partition pruning', pct(m?.pruning.pct), `${m?.pruning.pruned ?? 0} of ${m?.pruning.queries ?? 0} plans`],
    ...Object.entries(m?.host ?? {}).map(([k, v]) => [k.replace('_pct', ''), pct(v.avg), pct(v.peak)]),
  ]), '');

  out.push(`## ${title('incident_log', 'Incident log')}`, '');
  out.push(table(['#', 'Severity', 'Opened', 'Resolved', 'Text'], s.incidentsInPeriod.map((i) => [i.id, i.severity, when(facts, i.openedAt), when(facts, i.resolvedAt), i.text])), '');

  out.push(`## ${title('recommendations', 'Recommendations for optimization')}`, '');
  out.push(bullets(recommendations(facts)), '');
  const mustAdd = ['Recommendations that need a person’s judgement (query tuning, index or configuration changes)'];
  out.push(personMustAddSection(mustAdd), footer(facts));
  return { documentId: doc.id, title: doc.title, kind: 'generated', required: false, markdown: out.join('\n'), attachments, personMustAdd: mustAdd };
};

/** What the figures themselves suggest; plain rules, each saying its threshold. */
export function recommendations(facts: ReportFacts): string[] {
  const m = facts.stability?.metrics;
  const out: string[] = [];
  if (!m) return ['No metric samples yet: nothing to recommend from figures.'];
  for (const [id, q] of Object.entries(m.queries)) {
    if (q.degradationPct !== null && q.degradationPct > 10) out.push(`${id} slowed ${num(q.degradationPct)} % from the first quarter of the period to the last (above 10 %): look at its plan and the table’s statistics (ANALYZE).`);
    if (q.vsBaselinePct !== null && q.vsBaselinePct > -10) out.push(`${id} is ${pct(q.vsBaselinePct, true)} against its baseline: less than the 10 % improvement the migration aimed for.`);
  }
  if (m.pruning.pct !== null && m.pruning.pct < 60) out.push(`Partition pruning in ${num(m.pruning.pct)} % of plans (target above 60 %): queries without a created_at range scan every partition.`);
  if (m.cacheHitPct !== null && m.cacheHitPct < 99) out.push(`Cache hit ratio ${pct(m.cacheHitPct)} (below 99 %): check shared_buffers against the working set.`);
  if (m.lockWaitsPeak !== null && m.lockWaitsPeak > 0) out.push(`Up to ${m.lockWaitsPeak} sessions waited on locks (longest ${num(m.longestLockWaitS)} s): find the blocking statements.`);
  if (m.connectionsPeak !== null && m.connectionsMax && m.connectionsPeak / m.connectionsMax > 0.8) out.push(`Connections peaked at ${m.connectionsPeak} of ${m.connectionsMax} (above 80 %): consider a pooler.`);
  if (out.length === 0) out.push('Every figure is within its target: no optimization is suggested by the figures.');
  return out;
}
