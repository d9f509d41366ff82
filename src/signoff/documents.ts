import type { Checkpoint, Plan } from '../plan/schema.js';
import type { RunRecord } from '../store/runs.js';
import type { ReportStore } from '../store/reports.js';

/**
 * The gate's documents rule (DESIGN.md: "once reports exist, the required
 * documents were generated from that run"): every document the checkpoint
 * lists (`documents`, generated ones and templates alike) has a row in
 * `reports` for the run being signed, written by `/golive cpN report`.
 * A checkpoint that lists no documents passes this rule.
 */
export type DocumentsReadyHook = (input: { plan: Plan; checkpoint: Checkpoint; run: RunRecord }) => Promise<boolean>;

export function documentsGeneratedFromRun(store: { reports: Pick<ReportStore, 'documentIdsForRun'> }): DocumentsReadyHook {
  return async ({ checkpoint, run }) => {
    if (checkpoint.documents.length === 0) return true;
    const generated = await store.reports.documentIdsForRun(run.id);
    return checkpoint.documents.every((d) => generated.has(d.id));
  };
}
