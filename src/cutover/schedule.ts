import { resolveMoment } from '../plan/time.js';
import type { CutoverDeps } from './deps.js';

/** A window whose decision point passed longer ago than this is history, not something to catch up on. */
const CATCH_UP_MS = 60 * 60_000;

export function precheckJobId(planId: string, checkpointId: string, shiftMs: number, slotIndex: number): string {
  return `precutover-${planId}-${checkpointId}-${shiftMs}-${slotIndex}`;
}

/**
 * The pre-cutover slots as BullMQ delayed jobs, one per slot of every window
 * not decided yet (the plan's own, then one per DELAY), created from the
 * state DB: a worker that starts calls this, so losing Redis loses no slot.
 * Job ids are per plan, window and slot, so calling it again adds nothing.
 * A slot whose time has passed (the worker was down) runs at once; the
 * decision point runs whatever its window still misses before deciding.
 */
export async function schedulePreCutover(deps: CutoverDeps, filter: { planId?: string } = {}): Promise<{ scheduled: string[] }> {
  const scheduled: string[] = [];
  const now = deps.clock.now().getTime();
  for (const plan of deps.plans.list()) {
    if (filter.planId && plan.id !== filter.planId) continue;
    const cp = plan.checkpoints.find((c) => c.cutover !== undefined && c.pre_cutover !== undefined);
    if (!cp) continue;
    const slots = cp.pre_cutover!.slots;
    let windows = await deps.store.cutovers.windows(plan.id, cp.id);
    if (windows.length === 0) {
      await deps.store.cutovers.ensureWindow(plan.id, cp.id, 0);
      windows = await deps.store.cutovers.windows(plan.id, cp.id);
    }
    let context;
    try {
      context = deps.plans.momentContext(plan.id);
      resolveMoment(slots[0]!.start, context);
    } catch (err) {
      deps.logger.warn({ err, planId: plan.id }, 'pre-cutover slots not scheduled: the plan’s times cannot be resolved yet');
      continue;
    }
    for (const window of windows) {
      if (window.decidedAt) continue;
      const decisionAt = resolveMoment(slots[slots.length - 1]!.start, context).getTime() + window.shiftMs;
      if (now > decisionAt + CATCH_UP_MS) continue;
      for (const [index, slot] of slots.entries()) {
        const at = resolveMoment(slot.start, context).getTime() + window.shiftMs;
        const jobId = precheckJobId(plan.id, cp.id, window.shiftMs, index);
        await deps.queues.enqueue('cutover-precheck', { planId: plan.id, shiftMs: window.shiftMs, slotIndex: index }, { jobId, delay: Math.max(0, at - now), attempts: 2 });
        scheduled.push(jobId);
      }
    }
  }
  return { scheduled };
}
