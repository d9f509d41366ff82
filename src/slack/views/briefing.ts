import type { BriefingFacts } from '../../briefing/facts.js';
import { fmtMs } from '../../checks/query-performance.js';
import { formatDuration } from '../../plan/duration.js';
import { formatLocal } from '../../plan/time.js';
import { capBlocks, clip, context, divider, escapeMrkdwn, header, LIMITS, section, type Block } from './blocks.js';
import { metricLabel } from './alert.js';

/**
 * The daily briefing (09:00 in the plan's time zone on the days the plan
 * lists, or `/golive briefing`): uptime, errors, performance against the
 * pre-migration baseline, trends, incidents and alerts, open sign-offs, and
 * what comes next. Pure: facts in, Block Kit out.
 */

const PROBE_NAME = { database: 'Database', application: 'Application', network: 'Network (new connections)' } as const;

export function briefingView(f: BriefingFacts): { text: string; blocks: Block[] } {
  const title = `${f.planId.toUpperCase()} · Daily briefing · ${f.title}`;
  const blocks: Block[] = [header(title, 'briefing-header')];
  blocks.push(context([`${escapeMrkdwn(f.nowLabel)} · ${escapeMrkdwn(f.checkpointId.toUpperCase())} ${escapeMrkdwn(f.checkpointTitle)} on ${escapeMrkdwn(f.environment)}${f.source ? ` · seed: “${escapeMrkdwn(f.source)}”` : ''}`], 'briefing-when'));

  const lines: string[] = [];
  const summaryBits: string[] = [];

  // Uptime
  if (!f.period) {
    lines.push('*Uptime* · this checkpoint has no monitoring period: nothing is sampled.');
  } else if (f.period.state === 'before') {
    lines.push(`*Uptime* · monitoring of ${escapeMrkdwn(f.environment)} starts ${escapeMrkdwn(f.period.startLabel)} (until ${escapeMrkdwn(f.period.endLabel)}); nothing measured yet.`);
    summaryBits.push('monitoring not started');
  } else if (f.uptime.length === 0) {
    lines.push('*Uptime* · no complete sample interval yet.');
  } else {
    const covered = `${formatDuration(f.period.coveredMs)} of the monitoring period${f.period.state === 'after' ? ' (ended)' : ''}`;
    const rows = f.uptime.map(({ kind, summary: s }) => {
      const ok = s.availabilityPct !== null && s.down + s.missing === 0;
      return `${ok ? '🟢' : '🟠'} ${PROBE_NAME[kind]}: *${s.availabilityPct ?? '?'} %* · ${formatDuration(s.downtimeMs)} down (${s.down} failed, ${s.missing} missing of ${s.expected})${s.p99Ms !== null ? ` · p99 ${fmtMs(s.p99Ms)} ms` : ''}`;
    });
    lines.push(`*Uptime* · ${covered}\n${rows.join('\n')}`);
    const worst = f.uptime.reduce((min, u) => Math.min(min, u.summary.availabilityPct ?? 0), 100);
    summaryBits.push(`uptime ${worst} %`);
  }

  // Errors
  if (f.uptime.length || f.metrics?.samples) {
    const failed = f.uptime.reduce((n, u) => n + u.summary.down, 0);
    const timeouts = f.uptime.reduce((n, u) => n + u.summary.timeouts, 0);
    const m = f.metrics;
    const db = m && m.samples ? ` · database: ${m.rollbacks} rollbacks of ${m.commits + m.rollbacks} transactions, ${m.deadlocks} deadlocks, ${m.conflicts} conflicts` : '';
    lines.push(`*Errors* · ${failed} failed probe${failed === 1 ? '' : 's'}, ${timeouts} timeout${timeouts === 1 ? '' : 's'}${db}`);
    summaryBits.push(`${failed} failed probes`);
  }

  // Performance against the pre-migration baseline, and its trend
  const queries = Object.entries(f.metrics?.queries ?? {});
  if (queries.length) {
    const rows = queries.map(([id, q]) => {
      const label = escapeMrkdwn(f.queryTitles[id] ?? id);
      const base = f.baselines[id];
      const vs = q.vsBaselinePct ?? (base && q.medianMs !== null ? ((q.medianMs - base) / base) * 100 : null);
      const vsText = base === undefined ? 'no baseline captured' : `baseline ${fmtMs(base)} ms, ${vs === null ? 'change unknown' : fasterOrSlower(vs)}`;
      const trend = q.degradationPct === null ? '' : ` · trend ${signed(q.degradationPct)} (first → last quarter)`;
      return `• ${label}: median ${q.medianMs === null ? '?' : fmtMs(q.medianMs)} ms (${q.count} samples) · ${vsText}${trend}`;
    });
    lines.push(`*Performance vs pre-migration baseline*\n${rows.join('\n')}`);
  } else if (f.period && f.period.state !== 'before') {
    lines.push('*Performance vs pre-migration baseline* · no query samples yet.');
  }

  // Trends
  const m = f.metrics;
  if (m && m.samples) {
    const bits: string[] = [];
    if (m.connectionsPeak !== null) bits.push(`connections avg ${m.connectionsAvg}, peak ${m.connectionsPeak}${m.connectionsMax ? ` of ${m.connectionsMax}` : ''}`);
    if (m.cacheHitPct !== null) bits.push(`cache hit ${m.cacheHitPct} %`);
    if (m.lockWaitsPeak !== null) bits.push(`lock waits peak ${m.lockWaitsPeak}${m.longestLockWaitS ? ` (longest ${m.longestLockWaitS} s)` : ''}`);
    if (m.pruning.pct !== null) bits.push(`partition pruning ${m.pruning.pct} % of sampled queries`);
    if (m.throughputDegradationPct !== null) bits.push(`throughput ${signed(-m.throughputDegradationPct)} first → last quarter`);
    for (const [name, v] of Object.entries(m.host)) bits.push(`${name.replace('_pct', '')} avg ${v.avg} %, peak ${v.peak} %`);
    if (bits.length) lines.push(`*Trends* · ${bits.join(' · ')}`);
  }

  // Incidents and alerts
  const inc = f.incidentsInPeriod;
  const bySeverity = new Map<string, number>();
  for (const i of inc) bySeverity.set(i.severity, (bySeverity.get(i.severity) ?? 0) + 1);
  const incidentLines = f.openIncidents.slice(0, 5).map((i) => `• ${f.criticalSeverities.includes(i.severity) ? '🔴' : '🟠'} #${i.id} ${escapeMrkdwn(i.severity)} open since ${escapeMrkdwn(formatLocal(i.openedAt, f.timeZone, false))}: ${escapeMrkdwn(clip(i.text, 160))}`);
  const alertLines = f.openAlerts.slice(0, 5).map((a) => `• 🚨 ${escapeMrkdwn(a.severity)} ${escapeMrkdwn(a.environment)}: ${escapeMrkdwn(metricLabel(a.metric))} since ${escapeMrkdwn(formatLocal(a.openedAt, f.timeZone, false))}`);
  const counts = [...bySeverity.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
  lines.push(
    `*Incidents* · ${inc.length ? `${inc.length} in the period (${counts})` : 'none in the period'} · ${f.openIncidents.length} open · alerts: ${f.alertsInPeriod} in the period, ${f.openAlerts.length} open` +
      (incidentLines.length || alertLines.length ? `\n${[...incidentLines, ...alertLines].join('\n')}` : ''),
  );
  summaryBits.push(`${f.openIncidents.length} open incidents`);

  // Open sign-offs and checkpoint states
  const cpLines = f.checkpoints.map((c) => {
    const s = c.state;
    if (!s) return `• ${c.id.toUpperCase()} ${escapeMrkdwn(c.title)}: no run yet`;
    const decision = `run #${s.run.number} ${escapeMrkdwn(s.evidence.label)}`;
    if (s.gate.open) return `• ✅ ${c.id.toUpperCase()} ${escapeMrkdwn(c.title)}: ${decision}, signed`;
    const missing = s.gate.missingRoles.map((r) => escapeMrkdwn(r)).join(', ');
    return `• ${c.id.toUpperCase()} ${escapeMrkdwn(c.title)}: ${decision}${missing ? ` · sign-offs missing: ${missing}` : ''}${s.gate.blockers.length && !missing ? ` · ${escapeMrkdwn(s.gate.blockers[0]!)}` : ''}`;
  });
  lines.push(`*Checkpoints and open sign-offs*\n${cpLines.join('\n')}`);

  // What comes next
  if (f.next.length) lines.push(`*Next*\n${f.next.map((n) => `• ${escapeMrkdwn(n)}`).join('\n')}`);

  lines.forEach((text, i) => {
    if (i > 0) blocks.push(divider());
    blocks.push(section(text, `briefing-${i}`));
  });
  blocks.push(context([`${escapeMrkdwn(f.planTitle)} · times in ${escapeMrkdwn(f.timeZone)} · \`/golive briefing\` posts one now`], 'briefing-footer'));
  return { text: clip(`${title}: ${summaryBits.join(', ')}`, LIMITS.fallback), blocks: capBlocks(blocks) };
}

/** A change against the baseline (positive: slower) as people say it. */
function fasterOrSlower(pct: number): string {
  const r = Math.abs(pct) >= 10 ? Math.round(Math.abs(pct)) : Math.round(Math.abs(pct) * 10) / 10;
  return r === 0 ? 'same as before' : `${r} % ${pct < 0 ? 'faster' : 'slower'}`;
}

function signed(n: number): string {
  const r = Math.abs(n) >= 10 ? Math.round(n) : Math.round(n * 10) / 10;
  return `${r > 0 ? '+' : ''}${r} %`;
}
