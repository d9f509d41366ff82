import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { MigrationFile } from '../migration-file/parse.js';
import { StepRunnerError } from './errors.js';
import { describeFailure } from './failure.js';
import type { ExecutionRecords } from './records.js';
import { findResumePoint } from './resume-point.js';
import { cancelSessionsNamed, findLockHolder, sessionsNamed, terminateSessionsNamed, verifyWith, withTargetClient, type VerifyLimits } from './target.js';
import type { ExecutionRecord, ExecutionStatus, Inspection, SessionInfo, StepInspection, StepRecord } from './types.js';

/**
 * Everything about an execution that is not running its steps: the heartbeat
 * that tells a live runner from a dead one, and the tools a restarted worker
 * (or a person) uses after a crash or to stop a run: find it, end its orphaned
 * session, look at what the database says, cancel.
 */
export function createSessionTools(deps: {
  records: ExecutionRecords;
  clock: Clock;
  logger: Logger;
  heartbeatMs: number;
  /** No heartbeat for this long: the runner is gone. */
  staleAfterMs: number;
  verifyLimits: VerifyLimits;
}) {
  const { records, clock, logger } = deps;

  async function mustGet(executionId: number): Promise<ExecutionRecord> {
    const execution = await records.get(executionId);
    if (!execution) throw new StepRunnerError('EXECUTION_NOT_FOUND', `there is no migration execution ${executionId}`);
    return execution;
  }

  /** A running execution whose runner still writes heartbeats is not an orphan: refuse to treat it as one unless forced. */
  async function assertOrphaned(execution: ExecutionRecord, force = false): Promise<void> {
    if (force || execution.status !== 'running') return;
    const heartbeatAge = await records.heartbeatAgeMs(execution.id);
    if (heartbeatAge !== undefined && heartbeatAge < deps.staleAfterMs) {
      throw new StepRunnerError(
        'EXECUTION_ALIVE',
        `execution ${execution.id} is running and its runner wrote a heartbeat ${Math.round(heartbeatAge)} ms ago: ` +
          'it is not an orphan; stop it with cancelRunning, or pass force if you know its worker is gone',
        { executionId: execution.id },
      );
    }
  }

  return {
    startHeartbeat(executionId: number, log: Logger): () => void {
      const timer = setInterval(() => {
        records.heartbeat(executionId).catch((err: unknown) => log.warn({ err }, 'heartbeat not recorded'));
      }, deps.heartbeatMs);
      timer.unref();
      return () => clearInterval(timer);
    },

    async findInterrupted(staleAfterMs = deps.staleAfterMs): Promise<Array<ExecutionRecord & { steps: StepRecord[] }>> {
      const stale = await records.listStale(staleAfterMs);
      return Promise.all(stale.map(async (execution) => ({ ...execution, steps: await records.steps(execution.id) })));
    },

    async markInterrupted(executionId: number, options: { reason?: string; force?: boolean } = {}): Promise<boolean> {
      await assertOrphaned(await mustGet(executionId), options.force);
      const reason = options.reason;
      const changed = await records.markInterrupted(executionId, clock.now(), reason ?? 'interrupted: the runner stopped without recording an outcome (its worker died?)');
      if (changed) logger.warn({ executionId }, 'migration execution marked interrupted');
      return changed;
    },

    /**
     * pg_terminate_backend() on the target's sessions tagged with the
     * execution's application_name, and wait until they have exited (their
     * locks are released then). Refuses while the execution's runner is alive
     * (fresh heartbeat) unless `force`: stopping a live run is cancelRunning's job.
     */
    async endOrphanedSessions(targetUrl: string, executionId: number, options: { force?: boolean; waitMs?: number } = {}): Promise<SessionInfo[]> {
      const execution = await mustGet(executionId);
      await assertOrphaned(execution, options.force);
      const ended = await withTargetClient(targetUrl, `golive:cleanup:${executionId}`, (client) =>
        terminateSessionsNamed(client, execution.applicationName, options.waitMs ?? 15_000),
      );
      if (ended.length > 0) {
        logger.warn({ executionId, pids: ended.map((s) => s.pid), applicationName: execution.applicationName }, 'orphaned runner session(s) ended');
      }
      return ended;
    },

    /**
     * Stop a running execution now (the cutover's hard stop). Marks the request
     * in the state DB (the runner checks it before each statement) and
     * pg_cancel_backend()s its session whenever it is running a statement,
     * until the execution records its end or `waitMs` passes.
     */
    async cancelRunning(targetUrl: string, executionId: number, options: { waitMs?: number } = {}): Promise<{ stopped: boolean; status: ExecutionStatus; cancelledPids: number[] }> {
      const execution = await mustGet(executionId);
      if (execution.status !== 'running') return { stopped: true, status: execution.status, cancelledPids: [] };
      await records.requestCancel(executionId, clock.now());
      logger.warn({ executionId }, 'cancel requested for a running migration execution');
      const cancelled = new Set<number>();
      const deadline = Date.now() + (options.waitMs ?? 30_000);
      return withTargetClient(targetUrl, `golive:cancel:${executionId}`, async (client) => {
        for (;;) {
          for (const pid of await cancelSessionsNamed(client, execution.applicationName)) cancelled.add(pid);
          const now = await mustGet(executionId);
          if (now.status !== 'running') return { stopped: true, status: now.status, cancelledPids: [...cancelled] };
          if (Date.now() > deadline) return { stopped: false, status: now.status, cancelledPids: [...cancelled] };
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      });
    },

    /** Recorded status and verify answer per step, the sessions still there, and where a resume would start. */
    async inspectTarget(input: { execution: ExecutionRecord; file: MigrationFile; recorded: StepRecord[]; targetUrl: string; lockName: string }): Promise<Inspection> {
      const { execution, file, recorded } = input;
      const byName = new Map(recorded.map((r) => [r.stepName, r]));
      return withTargetClient(input.targetUrl, `golive:inspect:${execution.id}`, async (client) => {
        const steps: StepInspection[] = [];
        for (const [index, step] of file.steps.entries()) {
          const record = byName.get(step.name);
          let verified: boolean | null = null;
          let verifyError: string | undefined;
          try {
            verified = await verifyWith(client, step.verifySql, deps.verifyLimits);
          } catch (err) {
            verifyError = describeFailure(err);
          }
          steps.push({
            name: step.name,
            ordinal: index + 1,
            recordedStatus: record?.status,
            recordedError: record?.error ?? undefined,
            verified,
            verifyError,
          });
        }
        const point = findResumePoint(file.steps, steps.map((s) => s.verified), byName);
        return {
          execution,
          fileChanged: file.sha256 !== execution.fileSha256,
          steps,
          orphanedSessions: await sessionsNamed(client, execution.applicationName),
          lockHolder: await findLockHolder(client, input.lockName),
          resumeAt: point.kind === 'complete' ? undefined : file.steps[point.index]!.name,
          needsDecision: point.kind === 'decision',
        };
      });
    },
  };
}
