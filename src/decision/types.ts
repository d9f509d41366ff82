import type { CheckStatus, CutoverState } from '../plan/constants.js';
import type { Observed } from '../plan/expect.js';
import type { Reschedule } from '../plan/primitives.js';
import type { Outcome } from '../plan/schema.js';

/** One check's result as the engine reports it (extra fields are carried along, not read). */
export interface CheckResult {
  checkId: string;
  status: CheckStatus;
  observed?: Observed | undefined;
  /** Why: "not implemented", "awaiting attestation by dba", "connection refused" … */
  reason?: string | undefined;
  [extra: string]: unknown;
}

export interface TriggerEvaluation {
  triggerId: string;
  title: string;
  source: string;
  fired: boolean;
  /** A check it reads has no result or figure yet; it may still fire. */
  unknown: boolean;
  /** What fired it ("free_space free_bytes 2.5 GB < 3 GB"). */
  reasons: string[];
}

export type DecisionKind = 'go' | 'conditional' | 'nogo' | 'incomplete';

/** The label of a decision that cannot be taken yet (pending manual or skipped checks, cutover running). */
export const INCOMPLETE_LABEL = 'INCOMPLETE';

export interface CheckRef {
  checkId: string;
  criterionId: string;
  title: string;
  status: CheckStatus;
  reason?: string | undefined;
}

export interface CriterionVerdict {
  criterionId: string;
  title: string;
  required: boolean;
  /** fail: a non-optional check failed or errored; incomplete: none failed, some pending or skipped. */
  status: 'pass' | 'fail' | 'incomplete';
  failedChecks: CheckRef[];
  openChecks: CheckRef[];
}

/** A decision state that is final for a cutover, or still moving. */
export type CutoverProgress = CutoverState | 'not_started' | 'running';

export interface Decision {
  planId: string;
  checkpointId: string;
  phase: string;
  /** The outcome's label (GO, CONDITIONAL GO, NO-GO, PASS, HOLD …) or INCOMPLETE. */
  label: string;
  kind: DecisionKind;
  /** The outcome decided; undefined while incomplete. */
  outcome?: Outcome | undefined;
  /** While incomplete: the outcome it would be if every open check passed. */
  provisional?: Outcome | undefined;
  criteria: CriterionVerdict[];
  /** Required criteria that failed: what the matrix counts. */
  failedCriteria: CriterionVerdict[];
  incompleteCriteria: CriterionVerdict[];
  /** Criteria marked required: false that failed (shown, not counted). */
  failedOptionalCriteria: CriterionVerdict[];
  triggers: TriggerEvaluation[];
  firedTriggers: TriggerEvaluation[];
  pendingChecks: CheckRef[];
  skippedChecks: CheckRef[];
  erroredChecks: CheckRef[];
  /** Optional checks that failed or errored: shown, never deciding. */
  failedOptionalChecks: CheckRef[];
  actions: string[];
  reschedule: Reschedule[];
  next?: string | undefined;
  escalateTo: string[];
  /** One line: why this decision. */
  summary: string;
}
