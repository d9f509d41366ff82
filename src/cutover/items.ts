import { describeError } from '../errors.js';
import { formatDuration, parseDuration } from '../plan/duration.js';
import { formatLocal } from '../plan/time.js';
import { section } from '../slack/views/blocks.js';
import { CUTOVER_ITEM_ACTION, type LiveItem } from '../slack/views/cutover.js';
import { applicationNameFor, defaultLockName } from '../step-runner/index.js';
import type { Cutover } from '../plan/schema.js';
import { announceKey, channelOf } from './deps.js';
import type { CutoverRun } from './run.js';
import { probeMigrationLock, sessionsStillOpen, tableSnapshot, targetActivity, waitForInflight } from './target.js';

type PhaseSpec = Cutover['phases'][number];
type ItemSpec = PhaseSpec['items'][number];

/** The default wait for in-flight queries when the plan gives none (the seed's "max 2 min"). */
const DEFAULT_INFLIGHT_MS = 120_000;

export type ItemOutcome = { ok: true } | { ok: false; reason: string; critical: boolean };

/**
 * One item of a cutover phase:
 *  - announce: a channel post (once, even when the cutover is resumed);
 *  - manual: waits for the named role's button (a rehearsal does not wait);
 *  - action: golive does it (wait_inflight, lock, record_metrics, release_locks);
 *  - status / note: shown.
 */
export async function runItem(run: CutoverRun, phase: PhaseSpec, index: number, spec: ItemSpec): Promise<ItemOutcome> {
  const live = run.live.view.phases.find((p) => p.id === phase.id)?.items[index];
  const item: LiveItem = live ?? { kind: spec.kind, text: spec.text, state: 'waiting' };
  item.state = 'running';
  void run.live.refresh();
  try {
    switch (spec.kind) {
      case 'announce':
        await announce(run, phase, index, spec);
        item.state = 'done';
        return { ok: true };
      case 'manual':
        return await waitForManual(run, phase, index, spec, item);
      case 'action':
        return await runAction(run, spec, item);
      default:
        item.state = 'done';
        return { ok: true };
    }
  } finally {
    void run.live.refresh();
  }
}

async function announce(run: CutoverRun, phase: PhaseSpec, index: number, spec: ItemSpec): Promise<void> {
  const { deps, cutover } = run;
  const channel = channelOf(deps, cutover.channelId);
  if (!channel) return;
  const prefix = cutover.kind === 'rehearsal' ? `[rehearsal on ${cutover.environment}] ` : '';
  const when = formatLocal(deps.clock.now(), run.cp.plan.time_zone, true);
  const text = `📢 ${prefix}${run.live.view.title}: ${spec.text} (${when})`;
  await deps.slack.upsert(announceKey(cutover.id, phase.id, index), 'cutover-announce', channel, { text, blocks: [section(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'), 'announce')] });
}

async function waitForManual(run: CutoverRun, phase: PhaseSpec, index: number, spec: ItemSpec, item: LiveItem): Promise<ItemOutcome> {
  const { deps, cutover } = run;
  if (cutover.kind === 'rehearsal') {
    item.state = 'skipped';
    item.detail = 'not waited for in a rehearsal';
    return { ok: true };
  }
  await deps.store.cutovers.reachItem({ cutoverId: cutover.id, phase: phase.id, itemIndex: index, text: spec.text, role: spec.role, now: deps.clock.now() });
  item.actionId = `${CUTOVER_ITEM_ACTION}${phase.id}-${index}`.slice(0, 255);
  item.confirmValue = `${cutover.id}:${phase.id}:${index}`;
  void run.live.refresh();
  for (;;) {
    const found = (await deps.store.cutovers.items(cutover.id)).find((i) => i.phase === phase.id && i.itemIndex === index);
    if (found?.confirmedAt) {
      item.state = 'done';
      item.detail = `confirmed by <@${found.confirmedBy}> ${formatLocal(found.confirmedAt, run.cp.plan.time_zone, false).slice(-5)}`;
      item.confirmValue = undefined;
      return { ok: true };
    }
    if (run.stop) {
      item.state = 'failed';
      item.detail = 'not confirmed: the cutover is stopping';
      item.confirmValue = undefined;
      return { ok: false, reason: run.stop.reason, critical: false };
    }
    await new Promise((resolve) => setTimeout(resolve, deps.timing.itemPollMs));
  }
}

async function runAction(run: CutoverRun, spec: ItemSpec, item: LiveItem): Promise<ItemOutcome> {
  const { deps, cp, cutover } = run;
  const record = (value: unknown) => deps.store.cutovers.setDetail(cutover.id, spec.action ?? 'action', value).catch(() => {});
  try {
    switch (spec.action) {
      case 'wait_inflight': {
        const timeoutMs = spec.timeout ? parseDuration(spec.timeout) : DEFAULT_INFLIGHT_MS;
        const result = await waitForInflight(run.targetUrl, { timeoutMs, signal: run.abort.signal });
        await record(result);
        item.state = 'done';
        item.detail = result.drained
          ? `no application query running (${formatDuration(result.waitedMs)})`
          : `${result.remaining.length} still running after ${formatDuration(timeoutMs)} (pids ${result.remaining.map((q) => q.pid).join(', ')}); the steps' lock_timeout bounds any wait behind them`;
        return { ok: true };
      }
      case 'lock': {
        const lockName = defaultLockName(cp.applyFiles[0]!.path);
        const probe = await probeMigrationLock(run.targetUrl, lockName);
        await record(probe);
        if (!probe.free) {
          item.state = 'failed';
          item.detail = `the migration lock ${lockName} is held by ${probe.holder ? `${probe.holder.applicationName} (pid ${probe.holder.pid})` : 'another session'}`;
          return { ok: false, reason: `another session holds the migration lock ${lockName}: ${item.detail}`, critical: true };
        }
        item.state = 'done';
        item.detail = `migration lock ${lockName} free; the step runner holds it for every file it runs`;
        return { ok: true };
      }
      case 'record_metrics': {
        await takeSnapshot(run);
        const snap = run.cutover.snapshot as { table?: { rows: number; indexes: number }; activity?: { active: number } } | null;
        item.state = 'done';
        item.detail = snap?.table ? `${cp.plan.target.table}: ${snap.table.rows.toLocaleString('en')} rows, content checksum and ${snap.table.indexes} indexes recorded` : 'recorded';
        return { ok: true };
      }
      case 'release_locks': {
        const names = cutover.executionIds.map((id) => applicationNameFor(cutover.kind === 'rehearsal' ? 'rehearsal' : 'cutover', id));
        const open = await sessionsStillOpen(run.targetUrl, names);
        const activity = await targetActivity(run.targetUrl);
        await record({ open, lockWaits: activity.lockWaits });
        item.state = open.length ? 'failed' : 'done';
        item.detail = open.length ? `${open.length} migration session(s) still open: ${open.map((s) => s.pid).join(', ')}` : `no migration session left on ${cutover.environment}; ${activity.lockWaits} lock waits`;
        return { ok: true };
      }
      default:
        item.state = 'done';
        item.detail = 'noted';
        return { ok: true };
    }
  } catch (err) {
    item.state = 'failed';
    item.detail = describeError(err);
    // Only the lock probe guards the steps; the others inform.
    return spec.action === 'lock' ? { ok: false, reason: `${spec.text}: ${describeError(err)}`, critical: true } : { ok: true };
  }
}

/** The pre-cutover snapshot of the target table (once per cutover): what a rollback is verified against. */
export async function takeSnapshot(run: CutoverRun): Promise<void> {
  const { deps, cp, cutover } = run;
  if (cutover.snapshot) return;
  const table = await tableSnapshot(run.targetUrl, cp.plan.target.table);
  const snapshot = { at: deps.clock.now().toISOString(), table: { kind: table.kind, rows: table.rows, checksum: table.checksum, indexes: table.indexes, invalidIndexes: table.invalidIndexes, partitions: table.partitions } };
  await deps.store.cutovers.setSnapshot(cutover.id, snapshot);
  cutover.snapshot = snapshot;
}
