import { allChecks, type Checkpoint, type Plan } from '../plan/schema.js';
import type { RunRecord } from '../store/runs.js';
import type { SignoffRecord } from '../store/signoffs.js';
import { gateDecisionSpec, nextCheckpointOf, type RunEvidence } from './evidence.js';

/**
 * The gate to the next checkpoint (DESIGN.md, "Decision details"): it opens
 * only when
 *  - the checkpoint's latest run is complete, carries an evidence digest and
 *    decided a GO-like outcome of the gate's decision (cp3: the cutover
 *    record's COMPLETE, not the pre-cutover PROCEED);
 *  - every required role signed that run, against that digest;
 *  - four eyes held (one role per person unless the plan allows more, and the
 *    person who started the run is not its only approver);
 *  - every manual check of the decision's phase is attested (pass) on that run;
 *  - the required documents were generated from that run (a hook; see documents.ts).
 * Pure: the loader in service.ts reads the facts from the state DB.
 */

export interface GateFacts {
  plan: Plan;
  checkpoint: Checkpoint;
  /** The checkpoint's latest run (any status); undefined when none. */
  run: RunRecord | undefined;
  evidence: RunEvidence | undefined;
  /** Live sign-offs of that run. */
  signoffs: readonly SignoffRecord[];
  attestations: readonly { checkId: string; outcome: string }[];
  documentsReady: boolean;
}

export interface GateVerdict {
  open: boolean;
  /** Why it is closed, one plain sentence each. */
  blockers: string[];
  /** Sign-offs that count: the run's, against its digest. */
  counted: SignoffRecord[];
  missingRoles: string[];
  unattestedChecks: { checkId: string; title: string }[];
  next?: Checkpoint | undefined;
}

export function allowsSamePersonMultipleRoles(plan: Plan, cp: Checkpoint): boolean {
  return cp.allow_same_person_multiple_roles ?? plan.allow_same_person_multiple_roles;
}

/** Manual, non-optional checks of the gate decision's phase: each needs a passing attestation. */
export function manualChecksForGate(cp: Checkpoint): { checkId: string; title: string }[] {
  const phase = gateDecisionSpec(cp).phase;
  const inPhase = new Set(cp.criteria.filter((c) => c.phase === phase).flatMap((c) => c.checks.map((k) => k.id)));
  return allChecks(cp)
    .filter((k) => k.type === 'manual' && !k.optional && inPhase.has(k.id))
    .map((k) => ({ checkId: k.id, title: k.title }));
}

export function judgeGate(facts: GateFacts): GateVerdict {
  const { plan, checkpoint: cp, run, evidence } = facts;
  const blockers: string[] = [];
  const roleTitle = (role: string) => plan.roles[role]?.title ?? role;
  const next = nextCheckpointOf(plan, cp, evidence?.outcome);

  if (!run || !evidence) {
    return { open: false, blockers: [`${cp.id} has no run yet`], counted: [], missingRoles: cp.signoffs.map((s) => s.role), unattestedChecks: [], next };
  }
  if (run.status !== 'complete' || !run.evidenceDigest) {
    blockers.push(`run #${run.number} is ${run.status === 'running' ? 'still running' : run.status}`);
  } else if (!evidence.gateDecision || evidence.kind !== 'go') {
    blockers.push(`run #${run.number} decided ${evidence.label}, not a GO`);
  }

  const counted = facts.signoffs.filter((s) => s.runId === run.id && run.evidenceDigest !== null && s.evidenceDigest === run.evidenceDigest);
  const signedRoles = new Set(counted.map((s) => s.role));
  const missingRoles = cp.signoffs.map((s) => s.role).filter((r) => !signedRoles.has(r));
  if (missingRoles.length > 0) blockers.push(`missing sign-off${missingRoles.length === 1 ? '' : 's'}: ${missingRoles.map(roleTitle).join(', ')}`);

  const required = counted.filter((s) => cp.signoffs.some((r) => r.role === s.role));
  const signers = new Set(required.map((s) => s.userId));
  if (!allowsSamePersonMultipleRoles(plan, cp) && signers.size < required.length) {
    blockers.push('one person signed several roles (four eyes)');
  }
  if (missingRoles.length === 0 && signers.size === 1 && signers.has(run.startedBy)) {
    blockers.push(`<@${run.startedBy}> started run #${run.number} and cannot be its only approver`);
  }

  const attested = new Set(facts.attestations.filter((a) => a.outcome === 'pass').map((a) => a.checkId));
  const unattestedChecks = manualChecksForGate(cp).filter((k) => !attested.has(k.checkId));
  if (unattestedChecks.length > 0) blockers.push(`not attested: ${unattestedChecks.map((k) => k.title).join(', ')}`);

  if (!facts.documentsReady) blockers.push('the required documents were not generated from this run');

  return { open: blockers.length === 0, blockers, counted, missingRoles, unattestedChecks, next };
}
