import { describeError } from '../errors.js';
import { formatDuration } from '../plan/duration.js';
import type { TableFingerprint } from '../perf/table-fingerprint.js';
import type { StepEvent } from '../step-runner/index.js';
import type { LiveStep } from '../slack/views/cutover.js';
import type { CutoverRun } from './run.js';
import { setPhaseState } from './run.js';
import { tableSnapshot } from './target.js';
import { rollbackLimitAt } from './plan.js';

export interface RollbackReport {
  ok: boolean;
  verified: boolean;
  executionId?: number | undefined;
  status: string;
  elapsedMs: number;
  limitMs: number;
  withinLimit: boolean;
  error?: string | undefined;
  snapshot?: Fingerprint | undefined;
  beforeRollback?: Fingerprint | undefined;
  after?: Fingerprint | undefined;
  lines: string[];
  steps: { name: string; ms: number | undefined; status: string }[];
}

type Fingerprint = Pick<TableFingerprint, 'kind' | 'rows' | 'checksum' | 'indexes' | 'invalidIndexes' | 'partitions'>;

/** The pre-cutover snapshot stored on the cutover (record_metrics, or taken before the first step). */
export function snapshotOf(run: CutoverRun): Fingerprint | undefined {
  const s = run.cutover.snapshot as { table?: Fingerprint } | null;
  return s?.table;
}

/**
 * The rollback file through the same step runner, timed against the plan's
 * limit and verified: the target table is a plain table again with valid
 * indexes, and its rows and content checksum equal the pre-cutover snapshot,
 * or, when writes were made since (the live table differed from the snapshot
 * before the rollback), equal the live table as it was just before the
 * rollback (snapshot plus the writes it had to carry back).
 */
export async function runRollback(run: CutoverRun, reason: string): Promise<RollbackReport> {
  const { deps, cp, cutover } = run;
  await deps.store.cutovers.setPhase(cutover.id, 'rollback');
  if (!run.live.view.phases.some((p) => p.id === 'rollback')) run.live.view.phases.push({ id: 'rollback', title: 'ROLLBACK', state: 'waiting', items: [] });
  setPhaseState(run, 'rollback', 'running', reason);
  run.live.view.status = `rolling back: ${reason}`;
  void run.live.refresh();

  const table = cp.plan.target.table;
  const snapshot = snapshotOf(run);
  const beforeRollback = await tableSnapshot(run.targetUrl, table).catch((err: unknown) => {
    run.log.warn({ err }, 'could not fingerprint the table before the rollback');
    return undefined;
  });

  const liveSteps: LiveStep[] = [];
  const onStep = (event: StepEvent) => {
    if (event.type === 'execution-started') {
      for (const name of event.steps) liveSteps.push({ file: cp.rollbackFile.id, name, state: 'waiting' });
      run.live.view.steps.push(...liveSteps);
      void deps.store.cutovers.setRollbackExecution(cutover.id, event.executionId).catch(() => {});
      return;
    }
    if (event.type === 'execution-finished') return;
    const step = liveSteps.find((s) => s.name === event.step);
    if (!step) return;
    if (event.type === 'step-started') Object.assign(step, { state: 'running', startedAt: event.at });
    else if (event.type === 'step-skipped') step.state = 'skipped';
    else Object.assign(step, { state: event.status === 'succeeded' ? 'done' : 'failed', elapsedMs: event.elapsedMs, error: event.error });
    void run.live.refresh();
  };

  const started = deps.clock.now();
  let status = 'failed';
  let error: string | undefined;
  let executionId: number | undefined;
  let steps: RollbackReport['steps'] = [];
  try {
    // The rollback is never stopped by the signal of the cutover it undoes.
    const result = await deps.runner.run({
      file: cp.rollbackFile.path,
      environment: cutover.environment,
      targetUrl: run.targetUrl,
      purpose: 'rollback',
      planId: cp.plan.id,
      startedBy: cutover.confirmedBy ?? cutover.startedBy,
      onStep,
    });
    status = result.status;
    error = result.error;
    executionId = result.executionId;
    steps = result.steps.map((s) => ({ name: s.name, ms: s.durationMs, status: s.status }));
  } catch (err) {
    error = describeError(err);
  }
  const elapsedMs = Math.max(0, deps.clock.now().getTime() - started.getTime());
  const after = await tableSnapshot(run.targetUrl, table).catch((err: unknown) => {
    run.log.warn({ err }, 'could not fingerprint the table after the rollback');
    return undefined;
  });

  const lines: string[] = [];
  const same = (a: Fingerprint | undefined, b: Fingerprint | undefined) => !!a && !!b && a.rows === b.rows && a.checksum === b.checksum;
  if (status !== 'succeeded') lines.push(`the rollback file did not finish: ${error ?? status}`);
  if (!after) lines.push(`${table} could not be read after the rollback`);
  else {
    lines.push(`${table}: ${after.kind === 'r' ? 'a plain table again' : after.kind === 'p' ? 'STILL partitioned' : 'MISSING'}, ${after.rows.toLocaleString('en')} rows, ${after.indexes} indexes${after.invalidIndexes.length ? `, INVALID: ${after.invalidIndexes.join(', ')}` : ', all valid'}`);
    if (snapshot) {
      if (same(after, snapshot)) lines.push(`row count and content checksum equal the pre-cutover snapshot (${snapshot.rows.toLocaleString('en')} rows)`);
      else if (same(after, beforeRollback)) {
        lines.push(`differs from the pre-cutover snapshot (${snapshot.rows.toLocaleString('en')} → ${after.rows.toLocaleString('en')} rows): writes made since, carried back; equal to the live table just before the rollback`);
      } else lines.push(`row count or content checksum differ from the pre-cutover snapshot and from the live table before the rollback: restore from the backup`);
    } else if (same(after, beforeRollback)) lines.push('equal to the live table just before the rollback (no pre-cutover snapshot was taken)');
  }
  const contentOk = !!after && (same(after, snapshot) || same(after, beforeRollback));
  const verified = status === 'succeeded' && !!after && after.kind === 'r' && after.invalidIndexes.length === 0 && contentOk;
  const limit = rollbackLimitAt(cp, started, deps.plans.momentContext(cp.plan.id));
  const withinLimit = elapsedMs <= limit.ms;
  lines.push(`took ${formatDuration(elapsedMs)} against the plan's limit of ${formatDuration(limit.ms)} (${limit.source})${withinLimit ? '' : ' (over the limit)'}`);

  const report: RollbackReport = {
    ok: status === 'succeeded',
    verified,
    executionId,
    status,
    elapsedMs,
    limitMs: limit.ms,
    withinLimit,
    error,
    snapshot,
    beforeRollback: beforeRollback && pick(beforeRollback),
    after: after && pick(after),
    lines,
    steps,
  };
  await deps.store.cutovers.setRollbackReport(cutover.id, report as unknown as Record<string, unknown>);
  setPhaseState(run, 'rollback', verified ? 'done' : 'failed', verified ? `verified, ${formatDuration(elapsedMs)}` : 'NOT verified');
  return report;
}

function pick(f: TableFingerprint): Fingerprint {
  return { kind: f.kind, rows: f.rows, checksum: f.checksum, indexes: f.indexes, invalidIndexes: f.invalidIndexes, partitions: f.partitions };
}
