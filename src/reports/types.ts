import type { BriefingFacts } from '../briefing/facts.js';
import type { Checkpoint, Plan, PlanDocument } from '../plan/schema.js';
import type { RunEvidence } from '../signoff/evidence.js';
import type { AttestationRecord } from '../store/attestations.js';
import type { BaselineRecord } from '../store/baselines.js';
import type { IncidentRecord } from '../store/incidents.js';
import type { MitigationRecord } from '../store/mitigations.js';
import type { CheckResultRecord, RunRecord } from '../store/runs.js';
import type { SignoffRecord } from '../store/signoffs.js';
import type { AuditLine, CutoverLine, ExecutionLine, OtherRun } from './sources.js';

/** One file a document uploads: its Markdown, a chart, raw data. */
export interface ReportFile {
  filename: string;
  title: string;
  /** text/markdown, image/png, text/csv. */
  mimetype: string;
  bytes: Buffer;
  /** Alt text for images. */
  altText?: string | undefined;
}

/** A document the way the plan lists it, built: the Markdown file first, then its attachments. */
export interface BuiltDocument {
  documentId: string;
  title: string;
  /** generated: every figure from stored evidence; template: pre-filled, a person completes it. */
  kind: 'generated' | 'template';
  /** True when the plan lists it (the gate requires it); false for golive's extras (daily report, final report). */
  required: boolean;
  /** The role the plan names to complete or own it. */
  role?: string | undefined;
  markdown: ReportFile;
  attachments: ReportFile[];
  /** What a person must add (templates), for the channel summary. */
  personMustAdd: string[];
}

/** Everything the documents say, read from the state DB at one moment. */
export interface ReportFacts {
  plan: Plan;
  checkpoint: Checkpoint;
  run: RunRecord;
  evidence: RunEvidence;
  results: Map<string, CheckResultRecord>;
  attestations: AttestationRecord[];
  signoffs: SignoffRecord[];
  mitigations: MitigationRecord[];
  /** Every incident of the plan, oldest first. */
  incidents: IncidentRecord[];
  /** Stored baselines by environment. */
  baselines: Map<string, BaselineRecord[]>;
  /** Step-runner executions on the run's environment, oldest first, with their steps. */
  executions: ExecutionLine[];
  /** migrate.* and baseline.* audit entries of the plan. */
  audit: AuditLine[];
  cutovers: CutoverLine[];
  /** The latest run of every other checkpoint of the plan (final report). */
  otherRuns: OtherRun[];
  /** The stability window's figures, for checkpoints with a monitoring period. */
  stability?: BriefingFacts | undefined;
  /** Person names by Slack user id (from the roles file). */
  people: Map<string, string>;
  /** The request's time: stated in every document, so a document's bytes depend only on the stored facts and the request. */
  generatedAt: Date;
  generatedBy: string;
}

export type DocumentBuilder = (facts: ReportFacts, doc: PlanDocument) => Omit<BuiltDocument, 'markdown'> & { markdown: string };
