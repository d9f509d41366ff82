import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PlanRegistry } from '../plan-registry.js';
import type { JobPayload } from '../queue/payloads.js';
import type { SlackPoster } from '../slack/poster.js';
import type { Store } from '../store/index.js';
import { buildDocuments } from './documents/index.js';
import { gatherReportFacts } from './facts.js';
import { REPORT_AUDIT } from './plan-documents.js';
import { publishDocuments } from './publish.js';
import { reportSummary } from './summary.js';

export interface ReportJobDeps {
  plans: PlanRegistry;
  store: Store;
  slack: SlackPoster;
  clock: Clock;
  logger: Logger;
  /** After the upload: refresh the sign-off card and let the gate announce itself if it is now open. */
  afterPublish?: ((planId: string, checkpointId: string, userId: string, channelId: string) => Promise<unknown>) | undefined;
}

export interface ReportJobResult {
  uploaded: string[];
  unchanged: string[];
}

/**
 * The worker's half of `/golive cpN report`: read the run's stored facts,
 * build the plan's documents (Markdown, charts, CSV), upload them to the
 * channel and record each against the run (what the gate reads).
 */
export async function runReportJob(deps: ReportJobDeps, payload: JobPayload<'report'>): Promise<ReportJobResult> {
  const { target } = payload;
  const generatedAt = new Date(payload.requestedAt);
  try {
    const facts = await gatherReportFacts(deps, { planId: payload.planId, checkpointId: payload.checkpointId, runId: payload.runId, generatedAt, generatedBy: target.userId });
    const documents = buildDocuments(facts);
    const result = await publishDocuments(
      { client: deps.slack.client, reports: deps.store.reports, logger: deps.logger },
      { runId: facts.run.id, planId: facts.plan.id, checkpointId: facts.checkpoint.id, channelId: target.channelId, documents, summary: reportSummary(facts, documents), generatedBy: target.userId, generatedAt },
    );
    await deps.store.audit.append({
      actor: target.userId,
      action: REPORT_AUDIT.generated,
      planId: facts.plan.id,
      checkpointId: facts.checkpoint.id,
      runId: facts.run.id,
      details: {
        runNumber: facts.run.number,
        documents: result.records.map((r) => ({ id: r.documentId, sha256: r.sha256, file: r.fileId, attachments: r.attachments.length })),
        unchanged: result.unchanged.map((d) => d.documentId),
      },
    });
    if (result.uploaded.length === 0) {
      await deps.slack.ephemeral(target.channelId, target.userId, { text: `The documents of ${facts.checkpoint.id} run #${facts.run.number} are already in the channel, and nothing in them changed.` });
    }
    await deps.afterPublish?.(facts.plan.id, facts.checkpoint.id, target.userId, target.channelId).catch((err) => deps.logger.warn({ err }, 'report: refreshing the sign-off card failed'));
    return { uploaded: result.uploaded.map((d) => d.documentId), unchanged: result.unchanged.map((d) => d.documentId) };
  } catch (err) {
    deps.logger.error({ err, planId: payload.planId, checkpointId: payload.checkpointId, runId: payload.runId }, 'report failed');
    await deps.store.audit
      .append({ actor: target.userId, action: REPORT_AUDIT.failed, planId: payload.planId, checkpointId: payload.checkpointId, runId: payload.runId, details: { reason: describeError(err) } })
      .catch(() => {});
    await deps.slack
      .ephemeral(target.channelId, target.userId, { text: `golive could not build the ${payload.checkpointId} documents: ${describeError(err)}` })
      .catch((e) => deps.logger.warn({ err: e }, 'report: could not tell the requester'));
    throw err;
  }
}
