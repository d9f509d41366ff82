import { formatDuration } from '../../plan/duration.js';
import { clip, context, escapeMrkdwn, LIMITS, section, type Block } from './blocks.js';

/**
 * Alerts of a stability window: posted once when a sample breaks a
 * threshold, mentioning the escalation roles of its severity; a recovery
 * message when a sample is back within bounds (and the alert itself
 * updated to say so).
 */

export interface AlertViewInput {
  planId: string;
  environment: string;
  metric: string;
  severityName: string;
  severityDescription: string;
  detail: string;
  mentions: string;
  openedLabel: string;
  /** Set once it cleared. */
  cleared?: { label: string; afterMs: number; detail: string } | undefined;
}

export function alertView(input: AlertViewInput): { text: string; blocks: Block[] } {
  const where = `${input.planId.toUpperCase()} · ${input.environment}`;
  const head = input.cleared
    ? `~🚨 ${input.severityName} · ${where} · ${metricLabel(input.metric)}~ ✅ cleared after ${formatDuration(input.cleared.afterMs)}`
    : `🚨 *${input.severityName}* · ${where} · *${metricLabel(input.metric)}*`;
  const blocks: Block[] = [
    section(`${head}\n${escapeMrkdwn(input.detail)}`, 'alert-head'),
    section(`Escalation (${escapeMrkdwn(input.severityName)}: ${escapeMrkdwn(input.severityDescription)}): ${input.mentions}`, 'alert-escalation'),
    context([`opened ${escapeMrkdwn(input.openedLabel)}${input.cleared ? ` · cleared ${escapeMrkdwn(input.cleared.label)}` : ' · golive posts once when it clears'}`], 'alert-context'),
  ];
  const text = input.cleared
    ? `Cleared: ${input.severityName} ${where} ${metricLabel(input.metric)}`
    : `${input.severityName} alert ${where}: ${metricLabel(input.metric)}: ${input.detail} ${input.mentions}`;
  return { text: clip(text, LIMITS.fallback), blocks };
}

export function recoveryView(input: AlertViewInput & { cleared: NonNullable<AlertViewInput['cleared']> }): { text: string; blocks: Block[] } {
  const where = `${input.planId.toUpperCase()} · ${input.environment}`;
  const title = `✅ Recovered · ${where} · ${metricLabel(input.metric)} after ${formatDuration(input.cleared.afterMs)}`;
  return {
    text: clip(`${title}: ${input.cleared.detail}`, LIMITS.fallback),
    blocks: [
      section(`*${escapeMrkdwn(title)}*\n${escapeMrkdwn(input.cleared.detail)}`, 'recovery-head'),
      context([`${escapeMrkdwn(input.severityName)} alert opened ${escapeMrkdwn(input.openedLabel)}, cleared ${escapeMrkdwn(input.cleared.label)}`], 'recovery-context'),
    ],
  };
}

const LABELS: Record<string, string> = {
  probe_database: 'database not answering',
  probe_application: 'application not answering',
  probe_network: 'new connections failing',
  pruning: 'partition pruning low',
  connections: 'connections near the limit',
  deadlocks: 'deadlocks',
};

export function metricLabel(metric: string): string {
  if (LABELS[metric]) return LABELS[metric];
  if (metric.startsWith('latency_')) return `${metric.slice('latency_'.length)} slower than its baseline`;
  if (metric.startsWith('host_')) return `host ${metric.slice('host_'.length)} above its peak bound`;
  if (metric.startsWith('prometheus_')) return `${metric.slice('prometheus_'.length)} out of bounds`;
  return metric;
}
