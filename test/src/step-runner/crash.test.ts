import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/logger.js';
import { projectRoot } from '../../../src/paths.js';
import { createStepRunner, isStepRunnerError, type StepEvent, type StepRunner } from '../../../src/step-runner/index.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';
import { createScratchTarget, fixture, type ScratchTarget } from './support.js';

/**
 * Issue 9's crash: the worker running a step dies (a real SIGKILL, not a
 * simulated one). Its session stays on the target holding its locks, the
 * execution stays `running` in the state DB, and golive must find both, end
 * the session, and resume without re-running what took effect.
 */
describe('step runner: a worker killed mid-step', () => {
  let state: TestStateDb;
  let runner: StepRunner;
  let target: ScratchTarget;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    state = await createTestStateDb('srcrash');
    target = await createScratchTarget('srcrash');
    runner = createStepRunner({ statePool: state.pool, logger: silentLogger(), clock: systemClock, heartbeatMs: 100, staleAfterMs: 1_000 });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await target.drop();
    await state.drop();
  });

  /** Start the child worker; resolves each event line as it comes. */
  function startWorker(file: string) {
    const proc = spawn(process.execPath, ['--import', 'tsx', fixture('run-child.ts'), state.url, target.url, file], {
      cwd: projectRoot(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = proc;
    const events: StepEvent[] = [];
    const waiters: Array<() => void> = [];
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      events.push(JSON.parse(line) as StepEvent);
      for (const w of waiters.splice(0)) w();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
    return {
      proc,
      exited,
      async waitFor(match: (e: StepEvent) => boolean): Promise<StepEvent> {
        for (;;) {
          const found = events.find(match);
          if (found) return found;
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      },
    };
  }

  it('leaves the execution interrupted, not re-run; its orphaned session is found by name and ended; resuming completes it', async () => {
    const gate = await target.closeGate();
    const worker = startWorker(fixture('steps.sql'));
    const started = await worker.waitFor((e) => e.type === 'execution-started');
    if (started.type !== 'execution-started') throw new Error('unreachable');
    const { executionId, applicationName } = started;
    // Step "second" committed its INSERT and now waits on gate: kill the worker there.
    await worker.waitFor((e) => e.type === 'step-started' && e.step === 'second');
    const orphanPid = await target.waitUntilBlocked(applicationName);
    worker.proc.kill('SIGKILL');
    expect(await worker.exited).toBe('SIGKILL');

    // The state DB still says running, one step ahead of the target.
    const before = await runner.getExecution(executionId);
    expect(before?.execution.status).toBe('running');
    expect(before?.steps.map((s) => [s.stepName, s.status])).toEqual([['first', 'succeeded'], ['second', 'running']]);
    expect(before?.execution.backendPid).toBe(orphanPid);

    // The orphan still holds the runner lock: nobody can start over it.
    const locked = await runner.run({ file: fixture('steps.sql'), environment: 'scratch', targetUrl: target.url, purpose: 'cutover' }).catch((e: unknown) => e);
    expect(isStepRunnerError(locked, 'RUNNER_LOCKED')).toBe(true);
    expect((locked as Error).message).toContain(applicationName);

    // A restarted worker finds it once its heartbeat is stale.
    let interrupted = await runner.findInterrupted();
    while (!interrupted.some((e) => e.id === executionId)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      interrupted = await runner.findInterrupted();
    }
    expect(interrupted.find((e) => e.id === executionId)?.steps.find((s) => s.status === 'running')?.stepName).toBe('second');

    // The orphaned session, found by its application_name, still there, then ended.
    expect(await target.sessionsNamed(applicationName)).toEqual([{ pid: orphanPid, state: 'active' }]);
    const ended = await runner.endOrphanedSessions(target.url, executionId);
    expect(ended.map((s) => [s.pid, s.applicationName])).toEqual([[orphanPid, applicationName]]);
    expect(await target.sessionsNamed(applicationName)).toEqual([]);
    expect(await runner.markInterrupted(executionId)).toBe(true);
    const after = await runner.getExecution(executionId);
    expect(after?.execution.status).toBe('interrupted');
    expect(after?.steps.map((s) => [s.stepName, s.status])).toEqual([['first', 'succeeded'], ['second', 'interrupted']]);
    await gate.release();

    // What the database says: second took effect (its INSERT committed), third did not.
    const report = await runner.inspect({ executionId, targetUrl: target.url });
    expect(report.steps.map((s) => [s.name, s.recordedStatus, s.verified])).toEqual([
      ['first', 'succeeded', true],
      ['second', 'interrupted', true],
      ['third', undefined, false],
    ]);
    expect(report).toMatchObject({ resumeAt: 'third', needsDecision: false, orphanedSessions: [] });
    expect(report.lockHolder).toBeUndefined();

    const resumed = await runner.resume({ executionId, targetUrl: target.url, startedBy: 'U0DBA0001' });
    expect(resumed.status).toBe('succeeded');
    expect(resumed.steps.map((s) => [s.name, s.status])).toEqual([['first', 'skipped'], ['second', 'skipped'], ['third', 'succeeded']]);
    const logged = await target.query<{ step: string }>('SELECT step FROM log ORDER BY id');
    expect(logged.map((r) => r.step)).toEqual(['first', 'second', 'third']);
  });
});
