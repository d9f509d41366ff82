import type { Checkpoint, Plan, PlanDocument } from '../plan/schema.js';

/**
 * Which documents `/golive cpN report` builds for a checkpoint: the ones the
 * plan lists (the seed's "Documentation Required"; the gate requires them),
 * then golive's extras: the daily report of a checkpoint with a monitoring
 * period, and the final deployment report on the plan's last checkpoint when
 * the plan has an acceptance section. Pure, and free of the renderers, so
 * the web process can answer the command without loading them.
 */

export const DAILY_REPORT: PlanDocument = { id: 'daily_report', title: 'Daily Report (monitoring period)', source: 'Daily Reports:', generated: true };
export const FINAL_REPORT: PlanDocument = { id: 'final_deployment_report', title: 'Final Deployment Report', source: 'Generate final deployment report', generated: true };

export interface PlannedDocument {
  doc: PlanDocument;
  /** Listed by the plan (the gate requires it), or one of golive's extras. */
  required: boolean;
}

export function documentsOf(plan: Plan, cp: Checkpoint): PlannedDocument[] {
  const listed = cp.documents.map((doc) => ({ doc, required: true }));
  const ids = new Set(cp.documents.map((d) => d.id));
  const extras: PlannedDocument[] = [];
  if (cp.monitoring && !ids.has(DAILY_REPORT.id)) extras.push({ doc: DAILY_REPORT, required: false });
  const last = plan.checkpoints[plan.checkpoints.length - 1];
  if (plan.acceptance && last?.id === cp.id && !ids.has(FINAL_REPORT.id)) extras.push({ doc: FINAL_REPORT, required: false });
  return [...listed, ...extras];
}

/** Audit actions of the reports feature. */
export const REPORT_AUDIT = {
  requested: 'report.requested',
  generated: 'report.generated',
  failed: 'report.failed',
} as const;
