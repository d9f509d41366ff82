import { fmtMs } from '../../checks/query-performance.js';
import type { BaselineRecord } from '../../store/baselines.js';
import { capBlocks, clip, context, escapeMrkdwn, fields, header, LIMITS, section, type Block } from './blocks.js';

/** The channel post of `/golive baseline capture ENV`: each query's median and P95, who, when, which server. */
export function baselineCapturedView(input: {
  planId: string;
  environment: string;
  records: Pick<BaselineRecord, 'queryId' | 'medianMs' | 'p95Ms' | 'samples'>[];
  titles: Record<string, string>;
  serverVersion: string;
  capturedBy: string;
  timeLabel: string;
  replaced: boolean;
}): { text: string; blocks: Block[] } {
  const title = `${input.planId.toUpperCase()} · baseline ${input.replaced ? 'replaced' : 'captured'} on ${input.environment}`;
  const lines = input.records.map(
    (r) => `*${escapeMrkdwn(queryLabel(r.queryId, input.titles[r.queryId]))}*\nmedian ${fmtMs(r.medianMs)} ms · p95 ${fmtMs(r.p95Ms)} ms · ${r.samples.length} runs`,
  );
  const blocks: Block[] = [header(title, 'baseline-header')];
  for (let i = 0; i < lines.length; i += 10) blocks.push(fields(lines.slice(i, i + 10), `baseline-q${i / 10}`));
  blocks.push(
    context(
      [`PostgreSQL ${escapeMrkdwn(input.serverVersion)} · by <@${input.capturedBy}> · ${escapeMrkdwn(input.timeLabel)} · query_performance checks on ${escapeMrkdwn(input.environment)} compare with these`],
      'baseline-context',
    ),
  );
  const summary = input.records.map((r) => `${r.queryId} ${fmtMs(r.medianMs)} ms`).join(', ');
  return { text: clip(`${title}: ${summary}`, LIMITS.fallback), blocks: capBlocks(blocks) };
}

/** A capture that did not store anything, said in the channel. */
export function baselineFailedView(input: { planId: string; environment: string; reason: string; requestedBy: string }): { text: string; blocks: Block[] } {
  const title = `${input.planId.toUpperCase()} · baseline capture on ${input.environment} failed`;
  return {
    text: clip(`${title}: ${input.reason}`, LIMITS.fallback),
    blocks: [header(title, 'baseline-header'), section(`🔴 ${escapeMrkdwn(input.reason)}`, 'baseline-reason'), context([`requested by <@${input.requestedBy}> · nothing was stored`], 'baseline-context')],
  };
}

/** "Q1 ST_Contains", whether the plan's title repeats the id or not. */
export function queryLabel(queryId: string, title: string | undefined): string {
  if (!title) return queryId;
  return title.toLowerCase().startsWith(queryId.toLowerCase()) ? title : `${queryId} ${title}`;
}
