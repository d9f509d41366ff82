import { AUDIT } from '../audit/actions.js';
import { describeError } from '../errors.js';
import { formatDuration } from '../plan/duration.js';
import { thresholdCardView } from '../slack/views/cutover-cards.js';
import type { ThresholdRecord } from '../store/cutovers.js';
import { channelOf, thresholdKey } from './deps.js';
import { migrationElapsedMs, stopOf, type CutoverRun } from './run.js';
import { targetActivity } from './target.js';

export interface Monitor {
  stop(): void;
  /** One tick now (tests and the procedure call it at phase changes). */
  tick(): Promise<void>;
}

/**
 * What watches a running cutover while its steps run, on a real-time tick:
 *  - the heartbeat (state DB clock) that tells a live worker from a dead one;
 *  - an abort asked for by `/golive cp3 abort` or a threshold's Abort button;
 *  - the thresholds, counted on the injected clock from the migration's
 *    start: each is recorded (and so posted) once; the hard stop cancels the
 *    running statement and sends the cutover to its rollback;
 *  - the progress message at the plan's interval: step, elapsed against
 *    budget, estimated completion, lock waits and active queries.
 */
export function startMonitor(run: CutoverRun): Monitor {
  const { deps, cp } = run;
  let lastBeat = 0;
  let lastProgress: number | undefined;
  let busy: Promise<void> | undefined;
  const handled = new Set<string>();
  const roleTitle = cp.plan.roles.dba?.title ?? 'DBA';

  async function tickOnce(): Promise<void> {
    if (Date.now() - lastBeat >= deps.timing.heartbeatMs) {
      lastBeat = Date.now();
      await deps.store.cutovers.heartbeat(run.cutover.id).catch((err: unknown) => run.log.warn({ err }, 'cutover heartbeat not recorded'));
    }
    const row = await deps.store.cutovers.get(run.cutover.id);
    if (row?.abortRequestedAt && !run.stop) {
      run.requestStop({ reason: `abort requested by <@${row.abortRequestedBy}>${row.abortReason ? ` (${row.abortReason})` : ''}`, hard: false, byPerson: true });
      run.live.view.status = `aborting at the next safe point: ${stopOf(run)?.reason ?? ''}`;
      void run.live.refresh();
    }
    if (!run.migrating) return;

    const elapsed = migrationElapsedMs(run);
    let changed = false;
    for (const t of cp.thresholds) {
      if (elapsed < t.afterMs || handled.has(t.action)) continue;
      handled.add(t.action);
      changed = true;
      const live = run.live.view.thresholds.find((x) => x.action === t.action);
      if (live && live.state === 'upcoming') live.state = 'reached';
      const claimed = await deps.store.cutovers.claimThreshold({ cutoverId: run.cutover.id, action: t.action, afterMs: t.afterMs, now: deps.clock.now() });
      if (claimed) await postThreshold(run, t, elapsed, roleTitle);
      if (t.action === 'hard_stop_rollback') {
        run.requestStop({ reason: `hard stop: ${formatDuration(elapsed)} into the migration (${t.source})`, hard: true, byPerson: false });
        run.live.view.status = 'HARD STOP: cancelling the running step, then the rollback';
      }
    }
    // A DBA's answer to a threshold shows on the live message.
    const decided = await deps.store.cutovers.thresholds(run.cutover.id);
    for (const d of decided) {
      const live = run.live.view.thresholds.find((x) => x.action === d.action);
      if (live && d.decision && live.state !== d.decision) {
        live.state = d.decision;
        changed = true;
      }
    }

    const now = deps.clock.now().getTime();
    if (lastProgress === undefined || now - lastProgress >= cp.progressIntervalMs) {
      lastProgress = now;
      try {
        const activity = await targetActivity(run.targetUrl);
        run.live.view.activity = { ...activity, queries: activity.queries.map((q) => ({ ...q })) };
      } catch (err) {
        run.live.view.activity = { active: 0, lockWaits: 0, ungrantedLocks: 0, longestSeconds: 0, queries: [], error: describeError(err) };
      }
      run.live.view.estimatedCompletion = estimateCompletion(run);
      changed = true;
    }
    if (changed) void run.live.refresh();
  }

  const tick = async () => {
    if (busy) return busy;
    busy = tickOnce()
      .catch((err: unknown) => run.log.warn({ err }, 'cutover monitor tick failed'))
      .finally(() => {
        busy = undefined;
      });
    return busy;
  };
  const timer = setInterval(() => void tick(), deps.timing.tickMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    tick,
  };
}

/** Now plus what is left: the running step's unspent budget and the budgets of the steps after it. */
export function estimateCompletion(run: CutoverRun): Date | undefined {
  const now = run.deps.clock.now();
  const steps = run.live.view.steps;
  if (steps.length === 0) return undefined;
  let remaining = 0;
  for (const s of steps) {
    if (s.state === 'waiting') remaining += s.budgetMs ?? 0;
    if (s.state === 'running') {
      const spent = s.startedAt ? now.getTime() - s.startedAt.getTime() : 0;
      remaining += Math.max(0, (s.budgetMs ?? 0) - spent);
    }
  }
  return new Date(now.getTime() + remaining);
}

async function postThreshold(run: CutoverRun, t: { action: ThresholdRecord['action']; afterMs: number; source: string }, elapsed: number, roleTitle: string): Promise<void> {
  const { deps } = run;
  const channel = channelOf(deps, run.cutover.channelId);
  if (!channel) return;
  const current = run.live.view.steps.find((s) => s.state === 'running');
  const remaining = run.live.view.steps.filter((s) => s.state === 'waiting').map((s) => s.name);
  const view = thresholdCardView({
    title: run.live.view.title,
    cutoverId: run.cutover.id,
    action: t.action,
    afterMs: t.afterMs,
    source: t.source,
    elapsedMs: elapsed,
    currentStep: current?.name,
    remaining: remaining.length ? remaining.join(', ') : undefined,
    roleTitle,
    timeZone: run.cp.plan.time_zone,
  });
  try {
    const ts = await deps.slack.upsert(thresholdKey(run.cutover.id, t.action), 'cutover-threshold', channel, view);
    await deps.store.cutovers.setThresholdMessage(run.cutover.id, t.action, channel, ts);
    await deps.store.audit.append({
      actor: 'golive',
      action: AUDIT.cutoverThreshold,
      planId: run.cp.plan.id,
      checkpointId: run.cp.checkpoint.id,
      details: { cutover: run.cutover.id, threshold: t.action, elapsed_ms: elapsed, step: current?.name ?? null },
    });
  } catch (err) {
    run.log.warn({ err, threshold: t.action }, 'could not post the threshold');
  }
}
