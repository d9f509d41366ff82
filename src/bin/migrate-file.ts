import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { createPool } from '../db/pool.js';
import { migrateStateDb } from '../db/migrate.js';
import { describeError, isGoliveError } from '../errors.js';
import { createLogger } from '../logger.js';
import { formatDuration } from '../migration-file/duration.js';
import { redactUrl } from '../redact.js';
import { createStepRunner, PURPOSES, type ExecutionResult, type Purpose, type StepEvent, type StepRunner } from '../step-runner/index.js';

/**
 * `npm run migrate:file -- FILE --env NAME [--from STEP] [--purpose P]`:
 * run a marked migration file by hand with the same runner the cutover uses
 * (recorded in the state DB, under the advisory lock), printing each step's time.
 *
 * After a crash:
 *   --interrupted                     list executions whose runner died
 *   --inspect ID --env NAME           recorded status and verify answer per step
 *   --end-orphans ID --env NAME       end its orphaned session, mark it interrupted
 *   --resume ID --env NAME [--from S] continue it (from S: re-run S, a person's decision)
 */

const USAGE = `usage:
  npm run migrate:file -- FILE --env NAME [--from STEP] [--purpose ${PURPOSES.join('|')}] [--plan ID] [--by WHO]
  npm run migrate:file -- --resume ID --env NAME [--from STEP]
  npm run migrate:file -- --inspect ID --env NAME
  npm run migrate:file -- --end-orphans ID --env NAME [--force]
  npm run migrate:file -- --interrupted`;

const out = (line: string) => process.stdout.write(`${line}\n`);

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        env: { type: 'string' },
        from: { type: 'string' },
        purpose: { type: 'string', default: 'migrate' },
        plan: { type: 'string' },
        by: { type: 'string' },
        resume: { type: 'string' },
        inspect: { type: 'string' },
        'end-orphans': { type: 'string' },
        force: { type: 'boolean', default: false },
        interrupted: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    fail(`${describeError(err)}\n${USAGE}`, 2);
  }
}

function targetFor(config: Config, env: string | undefined): string {
  if (!env) fail(`--env NAME is required\n${USAGE}`, 2);
  const url = config.environments[env.toLowerCase()];
  if (!url) {
    fail(`no environment "${env}": configured are ${Object.keys(config.environments).join(', ')} (set GOLIVE_ENV_${env.toUpperCase()}_URL)`, 2);
  }
  return url;
}

function executionId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0) fail(`"${text}" is not an execution id`, 2);
  return id;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function printEvent(event: StepEvent): void {
  switch (event.type) {
    case 'execution-started':
      out(`execution ${event.executionId} (${event.applicationName}): ${event.steps.length} steps`);
      break;
    case 'step-skipped':
      out(`  ${event.ordinal}/${event.total} ${event.step}: skipped (its verify query says it took effect)`);
      break;
    case 'step-started':
      out(`  ${event.ordinal}/${event.total} ${event.step}: running${event.budgetMs ? ` (budget ${formatDuration(event.budgetMs)})` : ''}`);
      break;
    case 'step-finished': {
      const budget = event.budgetMs ? ` / budget ${formatDuration(event.budgetMs)}${event.overBudget ? ' OVER' : ''}` : '';
      out(`  ${event.ordinal}/${event.total} ${event.step}: ${event.status} in ${seconds(event.elapsedMs)}${budget}${event.error ? `\n      ${event.error}` : ''}`);
      break;
    }
    case 'execution-finished':
      out(`execution ${event.executionId}: ${event.status} in ${seconds(event.elapsedMs)}${event.error ? `: ${event.error}` : ''}`);
      break;
  }
}

/** Ctrl-C once: stop after the current step. Twice: cancel the running statement. */
function interruptible(runner: StepRunner, targetUrl: string): { signal: AbortSignal; setExecution(id: number): void } {
  const controller = new AbortController();
  let current: number | undefined;
  process.on('SIGINT', () => {
    if (!controller.signal.aborted) {
      process.stderr.write('\nstopping after the current step (Ctrl-C again cancels the running statement)\n');
      controller.abort('stopped by Ctrl-C');
    } else if (current !== undefined) {
      process.stderr.write('\ncancelling the running statement\n');
      void runner.cancelRunning(targetUrl, current).catch((err: unknown) => process.stderr.write(`cancel failed: ${describeError(err)}\n`));
    }
  });
  return { signal: controller.signal, setExecution: (id) => (current = id) };
}

async function main(): Promise<number> {
  const { values, positionals } = parse();
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, name: 'golive-migrate-file', destination: process.stderr });
  await migrateStateDb(config.databaseUrl, logger);
  const statePool = createPool(config.databaseUrl, { applicationName: 'golive-migrate-file', max: 3 });
  const runner = createStepRunner({ statePool, logger, clock: systemClock });
  try {
    if (values.interrupted) {
      const found = await runner.findInterrupted();
      if (found.length === 0) out('no interrupted executions');
      for (const e of found) {
        const step = e.steps.find((s) => s.status === 'running');
        out(`${e.id}  ${e.environment}  ${e.purpose}  ${e.file}  started ${e.startedAt.toISOString()}  last heartbeat ${e.heartbeatAt?.toISOString() ?? '-'}${step ? `  in step ${step.stepName}` : ''}`);
      }
      return 0;
    }

    const targetUrl = targetFor(config, values.env);
    if (values.inspect) {
      const report = await runner.inspect({ executionId: executionId(values.inspect), targetUrl });
      out(`execution ${report.execution.id}: ${report.execution.status} (${report.execution.file}${report.fileChanged ? ', FILE CHANGED since' : ''})`);
      for (const s of report.steps) {
        const verify = s.verified === null ? `verify failed: ${s.verifyError}` : s.verified ? 'verify: took effect' : 'verify: not in effect';
        out(`  ${s.ordinal} ${s.name}: recorded ${s.recordedStatus ?? '-'}; ${verify}`);
      }
      for (const o of report.orphanedSessions) out(`  orphaned session pid ${o.pid} (${o.state ?? '?'}): ${o.query ?? ''}`);
      if (report.lockHolder) out(`  runner lock held by ${report.lockHolder.applicationName || '?'} (pid ${report.lockHolder.pid})`);
      out(
        report.resumeAt === undefined
          ? 'every step took effect'
          : report.needsDecision
            ? `a person must decide: resume with --from ${report.resumeAt} (re-runs it) or roll back`
            : `--resume would continue at ${report.resumeAt}`,
      );
      return 0;
    }
    if (values['end-orphans']) {
      const id = executionId(values['end-orphans']);
      const { endedSessions, inspection } = await runner.recover({ executionId: id, targetUrl, force: values.force });
      out(endedSessions.length ? `ended ${endedSessions.map((s) => `pid ${s.pid}`).join(', ')}` : 'no session of that execution was left on the target');
      out(`execution ${id} is ${inspection.execution.status}; next: --inspect ${id}, then --resume ${id} [--from STEP] or run the rollback file`);
      return 0;
    }

    const control = interruptible(runner, targetUrl);
    const onStep = (event: StepEvent) => {
      if (event.type === 'execution-started') control.setExecution(event.executionId);
      printEvent(event);
    };
    let result: ExecutionResult;
    if (values.resume) {
      result = await runner.resume({ executionId: executionId(values.resume), targetUrl, fromStep: values.from, startedBy: values.by, signal: control.signal, onStep });
    } else {
      const file = positionals[0];
      if (!file || positionals.length > 1) fail(`give exactly one migration file\n${USAGE}`, 2);
      if (!PURPOSES.includes(values.purpose as Purpose)) fail(`--purpose must be one of ${PURPOSES.join(', ')}`, 2);
      out(`running ${file} on ${values.env} (${redactUrl(targetUrl)})`);
      result = await runner.run({
        file,
        environment: values.env!.toLowerCase(),
        targetUrl,
        purpose: values.purpose as Purpose,
        planId: values.plan,
        startedBy: values.by ?? 'cli',
        fromStep: values.from,
        signal: control.signal,
        onStep,
      });
    }
    return result.status === 'succeeded' ? 0 : 1;
  } finally {
    await statePool.end();
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  const code = isGoliveError(err) ? `${err.code}: ` : '';
  process.stderr.write(`${code}${describeError(err)}\n`);
  process.exitCode = 1;
}
