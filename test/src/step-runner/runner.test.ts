import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/logger.js';
import { createStepRunner, isStepRunnerError, type StepEvent, type StepRunner } from '../../../src/step-runner/index.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';
import { createScratchTarget, eventWaiter, fixture, type ScratchTarget } from './support.js';

describe('step runner', () => {
  let state: TestStateDb;
  let runner: StepRunner;
  let target: ScratchTarget;

  beforeAll(async () => {
    state = await createTestStateDb('sr');
    runner = createStepRunner({ statePool: state.pool, logger: silentLogger(), clock: systemClock });
  });
  afterAll(() => state.drop());
  beforeEach(async () => {
    target = await createScratchTarget();
  });
  afterEach(() => target.drop());

  const base = () => ({ environment: 'scratch', targetUrl: target.url, purpose: 'rehearsal' as const, startedBy: 'U0DBA0001' });
  const loggedSteps = async () => (await target.query<{ step: string }>('SELECT step FROM log ORDER BY id')).map((r) => r.step);
  const stepRows = async (executionId: number) =>
    (await state.pool.query('SELECT ordinal, step_name, status, started_at, finished_at, duration_ms, budget_ms, error FROM migration_steps WHERE execution_id = $1 ORDER BY ordinal', [executionId])).rows;
  const executionRow = async (executionId: number) => (await state.pool.query('SELECT * FROM migration_executions WHERE id = $1', [executionId])).rows[0];

  it('records each step in order with its times, under a tagged session with the marker timeouts', async () => {
    const events = eventWaiter<StepEvent>();
    const result = await runner.run({ ...base(), file: fixture('steps.sql'), planId: 'opt1', budgets: { first: 60_000, third: 1 }, onStep: events.listener });

    expect(result.status).toBe('succeeded');
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([['first', 'succeeded'], ['second', 'succeeded'], ['third', 'succeeded']]);

    const execution = await executionRow(result.executionId);
    expect(execution).toMatchObject({ status: 'succeeded', environment: 'scratch', purpose: 'rehearsal', plan_id: 'opt1', started_by: 'U0DBA0001', lock_name: 'golive:fixtures' });
    expect(execution.file_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(execution.file).toBe('test/src/step-runner/fixtures/steps.sql');
    expect(execution.application_name).toBe(`golive:rehearsal:${result.executionId}`);
    expect(execution.target_database).toBe(target.url.split('/').pop());
    expect(execution.finished_at).not.toBeNull();

    const rows = await stepRows(result.executionId);
    expect(rows.map((r) => [r.ordinal, r.step_name, r.status])).toEqual([[1, 'first', 'succeeded'], [2, 'second', 'succeeded'], [3, 'third', 'succeeded']]);
    for (const row of rows) {
      expect(row.duration_ms).toBeGreaterThanOrEqual(0);
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
    // Each step starts after the previous one finished.
    for (let i = 1; i < rows.length; i++) expect(rows[i].started_at.getTime()).toBeGreaterThanOrEqual(rows[i - 1].finished_at.getTime());
    expect(rows.map((r) => r.budget_ms)).toEqual([60_000, null, 1]);

    // What each step saw on the target.
    const seen = await target.query('SELECT step, app, lock_timeout, statement_timeout FROM log ORDER BY id');
    expect(seen).toEqual([
      { step: 'first', app: execution.application_name, lock_timeout: '2s', statement_timeout: '1min' },
      { step: 'second', app: execution.application_name, lock_timeout: '0', statement_timeout: '0' },
      { step: 'third', app: execution.application_name, lock_timeout: '500ms', statement_timeout: '30s' },
    ]);

    expect(events.seen.map((e) => (e.type.startsWith('step') ? `${e.type}:${(e as { step: string }).step}` : e.type))).toEqual([
      'execution-started',
      'step-started:first',
      'step-finished:first',
      'step-started:second',
      'step-finished:second',
      'step-started:third',
      'step-finished:third',
      'execution-finished',
    ]);
    const firstStarted = events.seen.find((e) => e.type === 'step-started' && e.step === 'first');
    expect(firstStarted).toMatchObject({ budgetMs: 60_000, ordinal: 1, total: 3 });
    const finished = events.seen.filter((e) => e.type === 'step-finished');
    expect(finished.every((e) => e.type === 'step-finished' && e.elapsedMs >= 0)).toBe(true);
  });

  it('refuses a second concurrent run on the same database with RUNNER_LOCKED, naming the holder', async () => {
    const gate = await target.closeGate();
    const events = eventWaiter<StepEvent>();
    const first = runner.run({ ...base(), file: fixture('steps.sql'), onStep: events.listener });
    const started = await events.waitFor((e) => e.type === 'execution-started');
    if (started.type !== 'execution-started') throw new Error('unreachable');
    await target.waitUntilBlocked(started.applicationName);

    // The rollback file of the same plan directory shares the lock: same refusal.
    const second = runner.run({ ...base(), file: fixture('tx-steps.sql') });
    const refusal = await second.then(() => undefined, (err: unknown) => err);
    expect(isStepRunnerError(refusal, 'RUNNER_LOCKED')).toBe(true);
    expect((refusal as Error).message).toContain(started.applicationName);
    const refusedId = (refusal as { executionId: number }).executionId;
    expect(await executionRow(refusedId)).toMatchObject({ status: 'refused', lock_name: 'golive:fixtures' });
    expect(await stepRows(refusedId)).toEqual([]);

    await gate.release();
    expect((await first).status).toBe('succeeded');
    expect(await loggedSteps()).toEqual(['first', 'second', 'third']);
  });

  it('stops at the first failing step, rolls its transaction back and records the error without secrets', async () => {
    const result = await runner.run({ ...base(), file: fixture('failing.sql') });
    expect(result.status).toBe('failed');
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([['first', 'succeeded'], ['broken', 'failed']]);

    const rows = await stepRows(result.executionId);
    expect(rows.map((r) => [r.step_name, r.status])).toEqual([['first', 'succeeded'], ['broken', 'failed']]);
    const error = rows[1].error as string;
    expect(error).toMatch(/^line 12: invalid input syntax for type integer/);
    expect(error).toContain('22P02');
    expect(error).not.toContain('hunter2');
    const execution = await executionRow(result.executionId);
    expect(execution.status).toBe('failed');
    expect(execution.error).toContain('step broken: line 12');
    expect(execution.error).not.toContain('hunter2');
    // broken's INSERT was rolled back with it; never did not run.
    expect(await loggedSteps()).toEqual(['first']);
  });

  it('stops between steps when the AbortSignal fires', async () => {
    const controller = new AbortController();
    const result = await runner.run({
      ...base(),
      file: fixture('steps.sql'),
      signal: controller.signal,
      onStep: (event) => {
        if (event.type === 'step-started' && event.step === 'first') controller.abort('DBA pressed abort');
      },
    });
    // The step in progress finishes: the signal is honoured at the next safe point.
    expect(result.status).toBe('aborted');
    expect(result.error).toBe('stopped before step second: DBA pressed abort');
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([['first', 'succeeded']]);
    expect((await executionRow(result.executionId)).status).toBe('aborted');
    expect(await loggedSteps()).toEqual(['first']);
  });

  it('cancelRunning interrupts a running statement (the hard stop)', async () => {
    const gate = await target.closeGate();
    const events = eventWaiter<StepEvent>();
    const running = runner.run({ ...base(), file: fixture('tx-steps.sql'), onStep: events.listener });
    const started = await events.waitFor((e) => e.type === 'execution-started');
    if (started.type !== 'execution-started') throw new Error('unreachable');
    await target.waitUntilBlocked(started.applicationName);

    const cancel = await runner.cancelRunning(target.url, started.executionId);
    expect(cancel).toMatchObject({ stopped: true, status: 'aborted' });
    expect(cancel.cancelledPids.length).toBe(1);
    const result = await running;
    expect(result.status).toBe('aborted');
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([['first', 'succeeded'], ['second', 'failed']]);
    expect(result.steps[1]!.error).toMatch(/^cancelled by request at line \d+: canceling statement due to user request/);
    await gate.release();
    // second's INSERT was in its transaction: rolled back.
    expect(await loggedSteps()).toEqual(['first']);
    // Once the execution reads finished, its session (and lock) is gone.
    expect(await target.sessionsNamed(started.applicationName)).toEqual([]);
  });

  it('--from: starts at a step when every earlier one verifies, and refuses when one does not', async () => {
    const refused = await runner.run({ ...base(), file: fixture('steps.sql'), fromStep: 'third' }).catch((err: unknown) => err);
    expect(isStepRunnerError(refused, 'VERIFY_MISMATCH')).toBe(true);
    expect((refused as Error).message).toContain('the earlier step first is not done');
    expect(await loggedSteps()).toEqual([]);

    await target.query(`INSERT INTO log (step) VALUES ('first'), ('second')`);
    const result = await runner.run({ ...base(), file: fixture('steps.sql'), fromStep: 'third' });
    expect(result.status).toBe('succeeded');
    expect((await stepRows(result.executionId)).map((r) => [r.step_name, r.status, r.duration_ms])).toEqual([
      ['first', 'skipped', 0],
      ['second', 'skipped', 0],
      ['third', 'succeeded', expect.any(Number)],
    ]);
    expect((await executionRow(result.executionId)).from_step).toBe('third');

    await expect(runner.run({ ...base(), file: fixture('steps.sql'), fromStep: 'fourth' })).rejects.toMatchObject({ code: 'UNKNOWN_STEP' });
  });

  it('resumes after its session is killed mid-step without re-running the step whose verify says it took effect', async () => {
    const gate = await target.closeGate();
    const events = eventWaiter<StepEvent>();
    const running = runner.run({ ...base(), file: fixture('steps.sql'), onStep: events.listener });
    const started = await events.waitFor((e) => e.type === 'execution-started');
    if (started.type !== 'execution-started') throw new Error('unreachable');
    const pid = await target.waitUntilBlocked(started.applicationName);
    // Step "second" has committed its INSERT and waits on gate: end its session.
    await target.query('SELECT pg_terminate_backend($1)', [pid]);

    const result = await running;
    expect(result.status).toBe('interrupted');
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([['first', 'succeeded'], ['second', 'interrupted']]);
    await gate.release();

    const report = await runner.inspect({ executionId: result.executionId, targetUrl: target.url });
    expect(report.steps.map((s) => [s.name, s.recordedStatus, s.verified])).toEqual([
      ['first', 'succeeded', true],
      ['second', 'interrupted', true],
      ['third', undefined, false],
    ]);
    expect(report).toMatchObject({ resumeAt: 'third', needsDecision: false, fileChanged: false, orphanedSessions: [] });

    const resumed = await runner.resume({ executionId: result.executionId, targetUrl: target.url });
    expect(resumed.status).toBe('succeeded');
    expect(resumed.steps.map((s) => [s.name, s.status])).toEqual([['first', 'skipped'], ['second', 'skipped'], ['third', 'succeeded']]);
    expect(await executionRow(resumed.executionId)).toMatchObject({ resumed_from: String(result.executionId), status: 'succeeded' });
    // Each step's effect exactly once.
    expect(await loggedSteps()).toEqual(['first', 'second', 'third']);
  });

  it('never re-runs a half-done step by itself: a person resumes from it explicitly', async () => {
    const gate = await target.closeGate();
    const events = eventWaiter<StepEvent>();
    const running = runner.run({ ...base(), file: fixture('tx-steps.sql'), onStep: events.listener });
    const started = await events.waitFor((e) => e.type === 'execution-started');
    if (started.type !== 'execution-started') throw new Error('unreachable');
    const pid = await target.waitUntilBlocked(started.applicationName);
    await target.query('SELECT pg_terminate_backend($1)', [pid]);
    const interrupted = await running;
    expect(interrupted.status).toBe('interrupted');
    await gate.release();

    // second's transaction died with its session: its verify is false, so the runner will not decide alone.
    const report = await runner.inspect({ executionId: interrupted.executionId, targetUrl: target.url });
    expect(report).toMatchObject({ resumeAt: 'second', needsDecision: true });
    const refusal = await runner.resume({ executionId: interrupted.executionId, targetUrl: target.url }).catch((err: unknown) => err);
    expect(isStepRunnerError(refusal, 'STEP_NEEDS_DECISION')).toBe(true);
    expect((refusal as Error).message).toContain('step second was interrupted');
    expect(await loggedSteps()).toEqual(['first']);

    const resumed = await runner.resume({ executionId: interrupted.executionId, targetUrl: target.url, fromStep: 'second', startedBy: 'U0DBA0001' });
    expect(resumed.status).toBe('succeeded');
    expect(resumed.steps.map((s) => [s.name, s.status])).toEqual([['first', 'skipped'], ['second', 'succeeded'], ['third', 'succeeded']]);
    expect(await loggedSteps()).toEqual(['first', 'second', 'third']);
  });

  it('refuses to end the session of a live execution unless forced, and to resume one still running', async () => {
    const gate = await target.closeGate();
    const events = eventWaiter<StepEvent>();
    const running = runner.run({ ...base(), file: fixture('steps.sql'), onStep: events.listener });
    const started = await events.waitFor((e) => e.type === 'execution-started');
    if (started.type !== 'execution-started') throw new Error('unreachable');
    await target.waitUntilBlocked(started.applicationName);

    await expect(runner.endOrphanedSessions(target.url, started.executionId)).rejects.toMatchObject({ code: 'EXECUTION_ALIVE' });
    await expect(runner.markInterrupted(started.executionId)).rejects.toMatchObject({ code: 'EXECUTION_ALIVE' });
    await expect(runner.resume({ executionId: started.executionId, targetUrl: target.url })).rejects.toMatchObject({ code: 'EXECUTION_STILL_RUNNING' });
    expect(await runner.findInterrupted()).toEqual([]);

    const ended = await runner.endOrphanedSessions(target.url, started.executionId, { force: true });
    expect(ended.map((s) => s.applicationName)).toEqual([started.applicationName]);
    expect((await running).status).toBe('interrupted');
    await gate.release();
  });
});
