/**
 * Names of audit_log actions, so every feature writes the same words and
 * `/golive audit` and the export read them back. Append with
 * `core.store.audit.append({ actor, action: AUDIT.x, planId, checkpointId, runId, details })`
 * (pass a transaction's client as the second argument to commit it with the change).
 */
export const AUDIT = {
  /** Every /golive command, written by the router guard before the handler runs. */
  command: 'command',
  /** A command or button refused for want of a role (requirePermission). */
  permissionRefused: 'permission.refused',
  runStarted: 'run.started',
  runDecided: 'run.decided',
  /** A NO-GO outcome's fix window (fix_within) ended with no later decision; the channel was told. */
  fixWindowEnded: 'outcome.fix_window_ended',
  /** A run's flow was lost from Redis and its missing checks queued again (the recovery pass). */
  runRequeued: 'run.requeued',
  /** A finished run decided again after a manual check was attested. */
  runRedecided: 'run.redecided',
  attestation: 'check.attested',
  signoffCardPosted: 'signoff.card_posted',
  signoffSigned: 'signoff.signed',
  signoffWithdrawn: 'signoff.withdrawn',
  /** A sign-off click refused: not a holder of the role, four eyes, stale card. */
  signoffRefused: 'signoff.refused',
  mitigationsRecorded: 'mitigations.recorded',
  gateOpened: 'gate.opened',
  outcomePosted: 'outcome.posted',
  cutoverStarted: 'cutover.started',
  cutoverAborted: 'cutover.aborted',
  cutoverRolledBack: 'cutover.rolled_back',
  /** The cutover's other moments (src/cutover): asked for, refused, cancelled, each threshold, a DBA's choices, the end. */
  cutoverRequested: 'cutover.requested',
  cutoverRefused: 'cutover.refused',
  cutoverCancelled: 'cutover.cancelled',
  cutoverRunning: 'cutover.running',
  cutoverResumed: 'cutover.resumed',
  cutoverRollbackStarted: 'cutover.rollback_started',
  cutoverThreshold: 'cutover.threshold',
  cutoverThresholdDecided: 'cutover.threshold_decided',
  cutoverItemConfirmed: 'cutover.item_confirmed',
  cutoverAbortRequested: 'cutover.abort_requested',
  cutoverInterrupted: 'cutover.interrupted',
  cutoverResumeChosen: 'cutover.resume_chosen',
  cutoverRollbackChosen: 'cutover.rollback_chosen',
  cutoverCompleted: 'cutover.completed',
  cutoverFailed: 'cutover.failed',
  /** `/golive baseline capture ENV [replace]`: queued, stored, or failed (nothing stored). */
  baselineRequested: 'baseline.requested',
  baselineCaptured: 'baseline.captured',
  baselineFailed: 'baseline.failed',
  /** Stability window: an alert opened / cleared (posted once each), the window judged at its end. */
  alertOpened: 'alert.opened',
  alertCleared: 'alert.cleared',
  windowEvaluated: 'window.evaluated',
  /** `/golive incident SEV TEXT` and `/golive incident resolve ID`. */
  incidentOpened: 'incident.opened',
  incidentResolved: 'incident.resolved',
  /** A daily briefing posted (scheduled or `/golive briefing`). */
  briefingPosted: 'briefing.posted',
} as const;

export type AuditAction = (typeof AUDIT)[keyof typeof AUDIT];
