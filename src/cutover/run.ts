import type { CheckOutcome } from '../checks/types.js';
import { loadMigrationFile } from '../migration-file/parse.js';
import type { Logger } from '../logger.js';
import type { CutoverLiveView, LivePhase, LiveStep } from '../slack/views/cutover.js';
import type { CutoverRecord } from '../store/cutovers.js';
import type { CutoverDeps } from './deps.js';
import { createLiveMessage, type LiveMessage } from './live.js';
import type { CutoverPlan } from './plan.js';

/** Why a running cutover is stopping: a person (abort) or golive itself (hard stop). */
export interface StopRequest {
  reason: string;
  /** true: cancel the running statement now (hard stop); false: at the next safe point, between steps. */
  hard: boolean;
  /** A person's abort: the final state is `aborted`; golive's own: `rolled_back`. */
  byPerson: boolean;
}

/** One cutover being run by this worker: its plan, record, live message and stop switch. */
export interface CutoverRun {
  deps: CutoverDeps;
  cp: CutoverPlan;
  cutover: CutoverRecord;
  targetUrl: string;
  live: LiveMessage;
  log: Logger;
  /** Aborted on any stop: the step runner stops between steps. */
  abort: AbortController;
  stop?: StopRequest | undefined;
  /** The step runner's execution in progress (for a hard stop's cancel). */
  executionId?: number | undefined;
  /** Every step of the apply files, in order. */
  stepNames: string[];
  /** True while the migration steps run: thresholds are counted only then. */
  migrating: boolean;
  /** The validation phase's result, once it passed (the summary and the cp3 run show it). */
  validation?: ValidationResult | undefined;
  requestStop(request: StopRequest): void;
}

export interface ValidationResult {
  ok: boolean;
  summary: string;
  lines: string[];
  outcomes: Map<string, CheckOutcome & { environment: string }>;
}

export function titleOf(cp: CutoverPlan, cutover: CutoverRecord): string {
  const what = cutover.kind === 'rehearsal' ? `rehearsal on ${cutover.environment}` : cutover.kind === 'rollback' ? `rollback of ${cutover.environment}` : `${cp.checkpoint.title.toLowerCase()} on ${cutover.environment}`;
  return `${cp.plan.id.toUpperCase()} · ${cp.checkpoint.id.toUpperCase()} ${what} #${cutover.id}`;
}

/** The live view's first picture: every phase and item of the plan, every step of the apply files, waiting. */
export async function initialView(deps: CutoverDeps, cp: CutoverPlan, cutover: CutoverRecord): Promise<{ view: CutoverLiveView; stepNames: string[] }> {
  const steps: LiveStep[] = [];
  for (const file of cp.applyFiles) {
    const parsed = await loadMigrationFile(file.path);
    for (const step of parsed.steps) {
      steps.push({ file: file.id, name: step.name, title: cp.spec.steps.find((s) => s.name === step.name)?.title, state: 'waiting', budgetMs: cp.budgets[step.name] });
    }
  }
  const roleTitle = (role: string | undefined) => (role ? cp.plan.roles[role]?.title ?? role : undefined);
  const phases: LivePhase[] =
    cutover.kind === 'rollback'
      ? [{ id: 'rollback', title: 'ROLLBACK', state: 'waiting', items: [] }]
      : cp.spec.phases.map((p) => ({
          id: p.id,
          title: p.title,
          state: 'waiting',
          items: p.items.map((i) => ({ kind: i.kind, text: i.text, state: 'waiting', roleTitle: i.kind === 'manual' ? roleTitle(i.role) : undefined })),
        }));
  const view: CutoverLiveView = {
    title: titleOf(cp, cutover),
    kind: cutover.kind,
    environment: cutover.environment,
    status: 'starting',
    phases,
    steps: cutover.kind === 'rollback' ? [] : steps,
    thresholds: cutover.kind === 'rollback' ? [] : cp.thresholds.map((t) => ({ ...t, state: 'upcoming' })),
    startedBy: cutover.startedBy,
    confirmedBy: cutover.confirmedBy ?? undefined,
    timeZone: cp.plan.time_zone,
    now: deps.clock.now(),
    migrationStartedAt: cutover.migrationStartedAt ?? undefined,
  };
  return { view, stepNames: steps.map((s) => s.name) };
}

export async function createCutoverRun(deps: CutoverDeps, cp: CutoverPlan, cutover: CutoverRecord): Promise<CutoverRun> {
  const { view, stepNames } = await initialView(deps, cp, cutover);
  const log = deps.logger.child({ cutoverId: cutover.id, kind: cutover.kind, environment: cutover.environment });
  const run: CutoverRun = {
    deps,
    cp,
    cutover,
    targetUrl: deps.plans.envUrl(cp.plan.id, cutover.environment),
    live: createLiveMessage(deps, cutover, view),
    log,
    abort: new AbortController(),
    stepNames,
    migrating: false,
    requestStop(request) {
      if (run.stop) {
        // A hard stop overrides an earlier safe-point abort: the statement must go now.
        if (!request.hard || run.stop.hard) return;
      }
      run.stop = request;
      log.warn({ reason: request.reason, hard: request.hard }, 'cutover stopping');
      if (!run.abort.signal.aborted) run.abort.abort(new Error(request.reason));
      if (request.hard && run.executionId !== undefined) {
        const executionId = run.executionId;
        void deps.runner.cancelRunning(run.targetUrl, executionId, { waitMs: 60_000 }).catch((err: unknown) => log.error({ err, executionId }, 'hard stop: could not cancel the running statement'));
      }
    },
  };
  return run;
}

/** Plan time since the cutover's migration started (0 before). */
export function migrationElapsedMs(run: CutoverRun): number {
  const from = run.cp.spec.thresholds.counted_from === 'cutover_start' ? run.cutover.startedAt : run.cutover.migrationStartedAt;
  return from ? Math.max(0, run.deps.clock.now().getTime() - from.getTime()) : 0;
}

/** The stop request as it is now (it changes while awaits are pending; TypeScript's narrowing does not know). */
export function stopOf(run: CutoverRun): StopRequest | undefined {
  return run.stop;
}

export function setPhaseState(run: CutoverRun, phaseId: string, state: LivePhase['state'], detail?: string): void {
  const phase = run.live.view.phases.find((p) => p.id === phaseId);
  if (phase) {
    phase.state = state;
    if (detail !== undefined) phase.detail = detail;
  }
}
