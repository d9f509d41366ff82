import { abortCutover, requestCutover, type CutoverDeps } from '../src/cutover/index.js';
import { findCheckpoint } from '../src/plan/schema.js';
import { ephemeral, type CommandHandler, type CommandOf } from './types.js';

type CheckpointCommand = CommandOf<'checkpoint'>;

/**
 * `/golive cp3 start | rehearse | rollback`: post the confirmation card (the
 * DBA's button starts it); `/golive cp3 abort`: stop the running cutover at
 * its next safe point and roll back. The router's guard has already checked
 * the plan's roles for each verb (refusals are ephemeral and audited).
 */
export function createCutoverCommands(deps: { cutover: () => CutoverDeps }): {
  start: CommandHandler<CheckpointCommand>;
  rehearse: CommandHandler<CheckpointCommand>;
  rollback: CommandHandler<CheckpointCommand>;
  abort: CommandHandler<CheckpointCommand>;
} {
  const request =
    (kind: 'cutover' | 'rehearsal' | 'rollback'): CommandHandler<CheckpointCommand> =>
    async (command, req) => {
      const plan = deps.cutover().plans.require(command.planId);
      if (!findCheckpoint(plan, command.checkpointId)?.cutover) return ephemeral(`\`${command.checkpointId}\` of ${plan.id} has no cutover.`);
      const answer = await requestCutover(deps.cutover(), {
        planId: plan.id,
        kind,
        userId: req.userId,
        channelId: req.channelId,
        requestKey: req.triggerId ? `${kind}-${req.triggerId}` : undefined,
      });
      return ephemeral(answer.text);
    };
  return {
    start: request('cutover'),
    rehearse: request('rehearsal'),
    rollback: request('rollback'),
    async abort(command, req) {
      const answer = await abortCutover(deps.cutover(), { planId: command.planId, userId: req.userId });
      return ephemeral(answer.text);
    },
  };
}

/**
 * `/golive cp3 run` evaluates the pre-cutover checks on demand (only that
 * phase's criteria, decided PROCEED / DELAY); any other checkpoint, or cp3 on
 * another environment, goes to the engine's run as before.
 */
export function withPreCutoverRun(engineRun: CommandHandler<CheckpointCommand>, deps: { cutover: () => CutoverDeps }): CommandHandler<CheckpointCommand> {
  return async (command, req) => {
    const d = deps.cutover();
    const plan = d.plans.require(command.planId);
    const cp = findCheckpoint(plan, command.checkpointId);
    if (!cp?.pre_cutover || !cp.cutover || (command.environment && command.environment !== cp.environment)) return engineRun(command, req);
    const active = await d.store.cutovers.active(plan.id, cp.environment);
    if (active && active.kind !== 'rehearsal' && active.status !== 'awaiting_confirmation') {
      return ephemeral(`Not started: cutover #${active.id} on ${cp.environment} is ${active.status}; the pre-cutover checks wait until it ends.`);
    }
    const running = await d.store.runs.latest(plan.id, cp.id);
    if (running?.status === 'running') {
      return ephemeral(`Not started: ${cp.id} run #${running.number} is still in progress (the pre-cutover timeline or another evaluation); its decision comes in the channel.`);
    }
    const key = req.triggerId ?? `${req.userId}-${Date.now()}`;
    await d.queues.enqueue(
      'cutover-precheck',
      { planId: plan.id, shiftMs: 0, userId: req.userId, channelId: req.channelId, requestKey: key },
      { jobId: `precutover-ondemand-${key}`, attempts: 1 },
    );
    const count = cp.criteria.filter((c) => cp.pre_cutover!.slots.some((s) => s.criteria.includes(c.id))).reduce((n, c) => n + c.checks.length, 0);
    return ephemeral(`Pre-cutover checks of ${cp.id} queued on ${cp.environment}: ${count} checks, decided PROCEED or DELAY; the checklist follows in the channel.`);
  };
}
