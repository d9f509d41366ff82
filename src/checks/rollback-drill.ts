import pg from 'pg';
import { describeError } from '../errors.js';
import { fingerprintTable, type TableFingerprint } from '../perf/table-fingerprint.js';
import type { CheckParams } from '../plan/check-types.js';
import { parseDuration } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';
import { redactUrl } from '../redact.js';
import type { ExecutionResult, StepRunner } from '../step-runner/index.js';
import { describeDatabaseError } from './pg-errors.js';
import { CHECK_APPLICATION_NAME } from './pg-session.js';
import { resolvePlanPath } from './plan-paths.js';
import { round2 } from './stats.js';
import { defineCheck, type CheckContext, type RawOutcome } from './types.js';

/**
 * The rollback drill, on a migrated environment (staging): with the one step
 * runner, run the rollback file, verify the table (plain again, same row
 * count and content checksum as before, every index valid, a fresh
 * connection reads it), run the migration files again, verify again
 * (partitioned, same rows and checksum, indexes valid); N times. Each
 * rollback is timed against the limit, and the evidence lists every
 * repetition's times.
 *
 * It changes the table under everyone's feet: the engine runs it after every
 * other check of the run (`runsLast` in the registry).
 */

type Params = CheckParams<'rollback_drill'>;

interface Verification {
  kind: TableFingerprint['kind'];
  rows: number;
  checksum: string;
  invalid_indexes: string[];
  problems: string[];
}

interface Repetition {
  n: number;
  rollback_ms: number | null;
  within_limit: boolean | null;
  rollback_execution: number | null;
  after_rollback: Verification | null;
  reconnect_ok: boolean | null;
  migrate_ms: number | null;
  migrate_executions: number[];
  after_migrate: Verification | null;
  ok: boolean;
  /** The step runner failed or refused: nothing more is run. */
  halted?: boolean;
  problem?: string;
}

export const rollbackDrillCheck = defineCheck({
  type: 'rollback_drill',
  // Three rollbacks and three re-migrations of a production-size copy.
  defaultTimeoutMs: 6 * 3600_000,
  async run(params, ctx): Promise<RawOutcome> {
    const runner = ctx.stepRunner;
    if (!runner) return { status: 'error', observed: {}, evidence: {}, message: 'this golive gave the check no step runner to run the drill with' };
    const table = ctx.plan.target.table;
    const files = drillFiles(ctx.plan, params, ctx.planDir);
    if ('problem' in files) return { status: 'error', observed: {}, evidence: {}, message: files.problem };
    const limitMs = limitOf(ctx.plan, params);
    const base = {
      target: redactUrl(ctx.targetUrl),
      table,
      repetitions: params.repetitions,
      limit_ms: limitMs,
      rollback_file: files.rollbackPath,
      migration_files: files.migrationPaths,
    };

    let before: TableFingerprint;
    try {
      before = await withClient(ctx, (c) => fingerprintTable(c, table));
    } catch (err) {
      const reason = describeDatabaseError(err, ctx.targetUrl);
      return { status: 'error', observed: {}, evidence: base, message: `cannot read ${table} on ${ctx.environment}: ${reason}` };
    }
    if (before.kind !== 'p') {
      return {
        status: 'fail',
        observed: { runs: 0, successful_runs: 0, failed_runs: 0 },
        evidence: { ...base, before },
        message: `${ctx.environment} is not migrated (${table} is ${before.kind === null ? 'missing' : 'not partitioned'}): migrate it first, e.g. /golive cp2 migrate`,
      };
    }

    const reps: Repetition[] = [];
    for (let n = 1; n <= params.repetitions && !ctx.signal.aborted; n++) {
      const rep = await repetition(n, { ctx, runner, files, table, before, limitMs, remigrate: params.leave_migrated || n < params.repetitions });
      reps.push(rep);
      // A file that failed may leave the table in between: the drill stops there, for a person to look.
      if (rep.halted) break;
    }

    const rollbackTimes = reps.flatMap((r) => (r.rollback_ms === null ? [] : [r.rollback_ms]));
    const successful = reps.filter((r) => r.ok).length;
    const recovered = reps.map((r) => (r.after_rollback ? recoveredPct(before, r.after_rollback) : 0));
    const observed = {
      runs: reps.length,
      successful_runs: successful,
      failed_runs: reps.length - successful,
      max_rollback_ms: rollbackTimes.length ? Math.max(...rollbackTimes) : null,
      avg_rollback_ms: rollbackTimes.length ? round2(rollbackTimes.reduce((a, b) => a + b, 0) / rollbackTimes.length) : null,
      recovered_pct: recovered.length ? Math.min(...recovered) : null,
      invalid_indexes_after: Math.max(0, ...reps.map((r) => r.after_rollback?.invalid_indexes.length ?? 0)),
      reconnect_ok: reps.length > 0 && reps.every((r) => r.reconnect_ok === true),
    };
    const evidence = {
      ...base,
      before: { kind: before.kind, rows: before.rows, checksum: before.checksum, partitions: before.partitions, indexes: before.indexes },
      runs: reps,
    };

    const times = reps.map((r) => (r.rollback_ms === null ? 'failed' : seconds(r.rollback_ms))).join(', ');
    const limitText = limitMs === null ? '' : ` (limit ${seconds(limitMs)})`;
    if (ctx.signal.aborted) return { status: 'error', observed, evidence, message: `stopped after ${reps.length} repetitions; rollbacks ${times}` };
    if (successful === params.repetitions) {
      const migrateTimes = reps.flatMap((r) => (r.migrate_ms === null ? [] : [seconds(r.migrate_ms)])).join(', ');
      return {
        status: 'pass',
        observed,
        evidence,
        message: `${successful} of ${params.repetitions} rollbacks verified in ${times}${limitText}; ${before.rows} rows and checksum equal after each${migrateTimes ? `, re-migrated in ${migrateTimes}` : ''}`,
      };
    }
    const firstProblem = reps.find((r) => r.problem)?.problem ?? 'a repetition did not verify';
    return {
      status: 'fail',
      observed,
      evidence,
      message: `${successful} of ${params.repetitions} rollbacks passed; rollbacks ${times}${limitText}; ${firstProblem}`,
    };
  },
});

interface DrillFiles {
  rollbackPath: string;
  migrationPaths: string[];
}

function drillFiles(plan: Plan, params: Params, planDir: string): DrillFiles | { problem: string } {
  const byId = new Map(plan.migration.files.map((f) => [f.id, f]));
  const ids = [...(params.migration ?? plan.migration.apply), params.rollback ?? plan.migration.rollback];
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) return { problem: `the plan's migration manifest has no file ${missing.join(', ')}` };
  const paths = ids.map((id) => resolvePlanPath(planDir, byId.get(id)!.path));
  return { rollbackPath: paths[paths.length - 1]!, migrationPaths: paths.slice(0, -1) };
}

/** The check's own limit, or the plan's cutover rollback limit (the seed's < 5 min). */
function limitOf(plan: Plan, params: Params): number | null {
  if (params.limit) return parseDuration(params.limit);
  const fromCutover = plan.checkpoints.find((c) => c.cutover?.rollback.limit)?.cutover?.rollback.limit;
  return fromCutover ? parseDuration(fromCutover) : null;
}

async function repetition(
  n: number,
  d: { ctx: CheckContext; runner: StepRunner; files: DrillFiles; table: string; before: TableFingerprint; limitMs: number | null; remigrate: boolean },
): Promise<Repetition> {
  const { ctx } = d;
  const rep: Repetition = {
    n,
    rollback_ms: null,
    within_limit: null,
    rollback_execution: null,
    after_rollback: null,
    reconnect_ok: null,
    migrate_ms: null,
    migrate_executions: [],
    after_migrate: null,
    ok: false,
  };
  const run = (file: string) =>
    d.runner.run({ file, environment: ctx.environment, targetUrl: ctx.targetUrl, purpose: 'drill', planId: ctx.plan.id, startedBy: 'golive:rollback_drill', signal: ctx.signal });

  // 1. Roll back, timed.
  const started = performance.now();
  const back = await attempt(() => run(d.files.rollbackPath));
  rep.rollback_ms = Math.round(performance.now() - started);
  if ('problem' in back || back.status !== 'succeeded') {
    rep.rollback_execution = 'problem' in back ? null : back.executionId;
    rep.rollback_ms = null;
    rep.halted = true;
    rep.problem = `repetition ${n}: the rollback ${'problem' in back ? `was refused: ${back.problem}` : `${back.status}: ${back.error ?? 'see its execution'}`}`;
    return rep;
  }
  rep.rollback_execution = back.executionId;
  rep.within_limit = d.limitMs === null ? null : rep.rollback_ms <= d.limitMs;

  // 2. The table as the application finds it: a fresh connection, plain table, same content.
  const problems: string[] = [];
  if (rep.within_limit === false) problems.push(`repetition ${n}: the rollback took ${seconds(rep.rollback_ms)}, over the ${seconds(d.limitMs!)} limit`);
  try {
    rep.after_rollback = verify(await withClient(ctx, (c) => fingerprintTable(c, d.table)), d.before, 'r');
    rep.reconnect_ok = true;
  } catch (err) {
    rep.reconnect_ok = false;
    problems.push(`repetition ${n}: a fresh connection could not read ${d.table} after the rollback: ${describeDatabaseError(err, ctx.targetUrl)}`);
  }
  if (rep.after_rollback?.problems.length) problems.push(`repetition ${n} after the rollback: ${rep.after_rollback.problems.join('; ')}`);

  // 3. Migrate again (the environment ends migrated) and verify once more.
  if (d.remigrate) {
    const migrateStarted = performance.now();
    for (const file of d.files.migrationPaths) {
      const forward = await attempt(() => run(file));
      if ('problem' in forward || forward.status !== 'succeeded') {
        if (!('problem' in forward)) rep.migrate_executions.push(forward.executionId);
        rep.halted = true;
        rep.problem = [...problems, `repetition ${n}: re-applying the migration ${'problem' in forward ? `was refused: ${forward.problem}` : `${forward.status}: ${forward.error ?? ''}`}`].join('; ');
        return rep;
      }
      rep.migrate_executions.push(forward.executionId);
    }
    rep.migrate_ms = Math.round(performance.now() - migrateStarted);
    try {
      rep.after_migrate = verify(await withClient(ctx, (c) => fingerprintTable(c, d.table)), d.before, 'p');
      if (rep.after_migrate.problems.length) problems.push(`repetition ${n} after migrating again: ${rep.after_migrate.problems.join('; ')}`);
    } catch (err) {
      problems.push(`repetition ${n}: ${d.table} could not be read after migrating again: ${describeDatabaseError(err, ctx.targetUrl)}`);
    }
  }
  rep.ok = problems.length === 0;
  if (problems.length) rep.problem = problems.join('; ');
  return rep;
}

function verify(now: TableFingerprint, before: TableFingerprint, kind: 'r' | 'p'): Verification {
  const problems: string[] = [];
  if (now.kind !== kind) problems.push(`${now.table} is ${now.kind === null ? 'missing' : now.kind === 'p' ? 'partitioned' : 'a plain table'}, expected ${kind === 'p' ? 'partitioned' : 'a plain table'}`);
  if (now.rows !== before.rows) problems.push(`${now.rows} rows, ${before.rows} before`);
  else if (now.checksum !== before.checksum) problems.push('same row count but the content checksum differs');
  if (now.invalidIndexes.length) problems.push(`invalid indexes: ${now.invalidIndexes.join(', ')}`);
  return { kind: now.kind, rows: now.rows, checksum: now.checksum, invalid_indexes: now.invalidIndexes, problems };
}

function recoveredPct(before: TableFingerprint, after: Verification): number {
  if (before.rows === 0) return 100;
  if (after.rows === before.rows && after.checksum === before.checksum) return 100;
  // Rows are there but not the same content: not a full recovery whatever the count says.
  return Math.min(99.99, round2((Math.min(after.rows, before.rows) / before.rows) * 100));
}

async function attempt(fn: () => Promise<ExecutionResult>): Promise<ExecutionResult | { problem: string }> {
  try {
    return await fn();
  } catch (err) {
    return { problem: describeError(err) };
  }
}

/** A new session each time: the drill proves an application can connect and read. */
async function withClient<T>(ctx: CheckContext, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: ctx.targetUrl,
    application_name: CHECK_APPLICATION_NAME,
    connectionTimeoutMillis: 10_000,
    statement_timeout: Math.max(1, Math.min(ctx.timeoutMs, 3600_000)),
  });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function seconds(ms: number): string {
  return ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : ms >= 1_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
