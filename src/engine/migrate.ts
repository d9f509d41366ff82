import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pgDump, toolReason } from '../checks/backup-tool.js';
import { describeDatabaseError } from '../checks/pg-errors.js';
import { withReadOnlySession } from '../checks/pg-session.js';
import { resolvePlanPath } from '../checks/plan-paths.js';
import { runTool } from '../checks/pg-tools.js';
import type { Clock } from '../clock.js';
import type { Pool } from '../db/pool.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PlanRegistry } from '../plan-registry.js';
import { parseDuration } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';
import { formatLocal } from '../plan/time.js';
import { formatBytes } from '../plan/units.js';
import type { JobPayload } from '../queue/payloads.js';
import type { SlackPoster } from '../slack/poster.js';
import { migrationProgressView, type MigrationProgress } from '../slack/views/migration-progress.js';
import { createStepRunner, type StepEvent } from '../step-runner/index.js';
import type { Store } from '../store/index.js';

export interface MigrateDeps {
  plans: PlanRegistry;
  store: Store;
  pool: Pool;
  slack: SlackPoster;
  clock: Clock;
  logger: Logger;
}

/** A progress message is redrawn at most this often while steps run. */
const PROGRESS_EVERY_MS = 2_000;

/**
 * The seed's FASE 2-3 on an environment (`/golive cp2 migrate`):
 *  1. refuse when the target is already migrated (its table is partitioned);
 *  2. pg_dump -Fc into the plan's backup location, verified with pg_restore --list;
 *  3. the plan's migration files through the step runner, one message updated in place.
 * Never re-run on its own: a second delivery of the job (its worker died) only
 * says so and points at the step runner's records.
 */
export async function migrateEnvironment(deps: MigrateDeps, payload: JobPayload<'migrate-staging'>): Promise<{ status: string }> {
  const plan = deps.plans.require(payload.planId);
  const key = `migrate-${payload.requestKey}`;
  const startedAt = deps.clock.now();
  const progress: MigrationProgress = {
    title: `${plan.id.toUpperCase()} · ${payload.checkpointId.toUpperCase()} migrate ${payload.environment}`,
    environment: payload.environment,
    startedBy: payload.target.userId,
    startedAt,
    phases: [
      { label: `${payload.environment} is not migrated yet`, state: 'running' },
      { label: 'Backup (pg_dump -Fc)', state: 'waiting' },
      { label: 'Backup verified (pg_restore --list)', state: 'waiting' },
    ],
    steps: [],
    timeLabel: formatLocal(startedAt, plan.time_zone, true),
    now: startedAt,
  };
  const show = async () => {
    progress.now = deps.clock.now();
    await deps.slack.upsert(key, 'migration', payload.target.channelId, migrationProgressView(progress));
  };
  const finish = async (ok: boolean, text: string, status: string) => {
    progress.outcome = { ok, text };
    await show();
    await deps.store.audit.append({ actor: payload.target.userId, action: `migrate.${status}`, planId: plan.id, checkpointId: payload.checkpointId, details: { environment: payload.environment, text } });
    return { status };
  };

  if (!(await deps.store.deliveries.claim(`migrate-job-${payload.requestKey}`, 'migrate-job', payload.target.userId))) {
    progress.phases = [];
    return finish(false, 'the worker running this migration stopped before it finished. golive does not start a migration again by itself: see `npm run migrate:file -- --interrupted`, then inspect, resume or roll back deliberately.', 'interrupted');
  }
  await show();

  const targetUrl = deps.plans.envUrl(plan.id, payload.environment);
  const migrated = await tableIsPartitioned(targetUrl, plan.target.table);
  if ('error' in migrated) {
    progress.phases[0] = { ...progress.phases[0]!, state: 'failed', detail: migrated.error };
    return finish(false, `nothing was done: ${migrated.error}`, 'failed');
  }
  if (migrated.partitioned) {
    progress.phases[0] = { ...progress.phases[0]!, state: 'failed', detail: `${plan.target.table} is already partitioned (${migrated.partitions} partitions)` };
    progress.phases.splice(1);
    return finish(false, `refused: ${payload.environment} is already migrated (${plan.target.table} is partitioned). Nothing was done.`, 'refused');
  }
  progress.phases[0] = { ...progress.phases[0]!, state: 'done', detail: `${plan.target.table} is a plain table` };

  const backupDir = backupLocation(plan);
  if (!backupDir) {
    progress.phases[1] = { ...progress.phases[1]!, state: 'failed', detail: 'the plan names no backup location (a backup_tool or backup_location check)' };
    return finish(false, 'nothing was migrated: no backup location in the plan', 'failed');
  }
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const backupFile = path.join(backupDir, `pre-${plan.id}-${payload.environment}-${stamp}-${randomBytes(2).toString('hex')}.dump`);
  progress.phases[1] = { ...progress.phases[1]!, state: 'running', detail: backupFile };
  await show();
  const never = new AbortController().signal; // a backup before a migration is waited for, however long it takes
  const dump = await pgDump({ targetUrl, signal: never }, 'custom', backupFile);
  if (dump.code !== 0) {
    progress.phases[1] = { ...progress.phases[1]!, state: 'failed', detail: toolReason(dump, 'pg_dump') };
    return finish(false, 'nothing was migrated: the backup failed', 'failed');
  }
  const { stat } = await import('node:fs/promises');
  const size = (await stat(backupFile)).size;
  progress.phases[1] = { ...progress.phases[1]!, state: 'done', detail: `${backupFile} (${formatBytes(size)}, ${Math.round(dump.durationMs / 100) / 10} s)` };
  const list = await runTool('pg_restore', ['--list', backupFile], never);
  const entries = list.stdout.split('\n').filter((l) => l.trim() && !l.startsWith(';')).length;
  if (list.code !== 0 || entries === 0) {
    progress.phases[2] = { ...progress.phases[2]!, state: 'failed', detail: list.code === 0 ? 'empty table of contents' : toolReason(list, 'pg_restore') };
    return finish(false, 'nothing was migrated: the backup does not read back', 'failed');
  }
  progress.phases[2] = { ...progress.phases[2]!, state: 'done', detail: `${entries} TOC entries` };
  await show();

  const runner = createStepRunner({ statePool: deps.pool, logger: deps.logger, clock: deps.clock });
  const planDir = path.dirname(path.resolve(deps.plans.loaded(plan.id)?.file ?? '.'));
  const files = plan.migration.apply.map((id) => plan.migration.files.find((f) => f.id === id)!).map((f) => ({ id: f.id, path: resolvePlanPath(planDir, f.path) }));
  const budgets = stepBudgets(plan);
  let lastShown = 0;
  for (const file of files) {
    const onStep = (event: StepEvent) => {
      applyStepEvent(progress, file.id, event);
      const now = Date.now();
      if (event.type === 'step-finished' || now - lastShown >= PROGRESS_EVERY_MS) {
        lastShown = now;
        void show().catch((err: unknown) => deps.logger.warn({ err }, 'could not update the migration message'));
      }
    };
    try {
      const result = await runner.run({ file: file.path, environment: payload.environment, targetUrl, purpose: 'migrate', planId: plan.id, startedBy: payload.target.userId, budgets, onStep });
      if (result.status !== 'succeeded') {
        return finish(false, `stopped in ${file.id}: ${result.error ?? result.status}. The backup is ${backupFile}; decide between resuming and the rollback file.`, 'failed');
      }
    } catch (err) {
      return finish(false, `stopped in ${file.id}: ${describeError(err)}. The backup is ${backupFile}.`, 'failed');
    }
  }
  const elapsed = Math.round((deps.clock.now().getTime() - startedAt.getTime()) / 1000);
  return finish(true, `${payload.environment} migrated: ${files.length} file${files.length === 1 ? '' : 's'}, ${progress.steps.length} steps in ${elapsed} s. Backup: ${backupFile}`, 'succeeded');
}

function applyStepEvent(progress: MigrationProgress, fileId: string, event: StepEvent): void {
  if (event.type === 'execution-started') {
    for (const name of event.steps) progress.steps.push({ file: fileId, name, state: 'waiting' });
    return;
  }
  if (event.type !== 'step-started' && event.type !== 'step-finished' && event.type !== 'step-skipped') return;
  const step = progress.steps.find((s) => s.file === fileId && s.name === event.step);
  if (!step) return;
  if (event.type === 'step-skipped') step.state = 'skipped';
  else if (event.type === 'step-started') Object.assign(step, { state: 'running', budgetMs: event.budgetMs });
  else Object.assign(step, { state: event.status === 'succeeded' ? 'done' : 'failed', elapsedMs: event.elapsedMs, budgetMs: event.budgetMs, error: event.error });
}

/** The plan's backup directory: where its backup checks write. */
export function backupLocation(plan: Plan): string | undefined {
  const checks = plan.checkpoints.flatMap((cp) => [...cp.criteria.flatMap((c) => c.checks), ...cp.trigger_checks]);
  const tool = checks.find((c) => c.type === 'backup_tool') ?? checks.find((c) => c.type === 'backup_location');
  const dir = tool?.params.path;
  return typeof dir === 'string' ? dir : undefined;
}

/** Step budgets from the cutover (keyed by step name): shown beside each step's time, never enforced here. */
function stepBudgets(plan: Plan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const cp of plan.checkpoints) for (const s of cp.cutover?.steps ?? []) out[s.name] = parseDuration(s.budget);
  return out;
}

export async function tableIsPartitioned(targetUrl: string, table: string): Promise<{ partitioned: boolean; partitions: number } | { error: string }> {
  try {
    return await withReadOnlySession(targetUrl, { statementTimeoutMs: 15_000 }, async (client) => {
      const { rows } = await client.query<{ relkind: string | null; partitions: number }>(
        `SELECT c.relkind, (SELECT count(*)::int FROM pg_inherits i WHERE i.inhparent = c.oid) AS partitions
           FROM pg_class c WHERE c.oid = to_regclass($1)`,
        [table],
      );
      const row = rows[0];
      if (!row) throw Object.assign(new Error(`table ${table} does not exist`), { code: 'NO_TABLE' });
      return { partitioned: row.relkind === 'p', partitions: row.partitions };
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { error: code === 'NO_TABLE' ? (err as Error).message : `cannot reach the target: ${describeDatabaseError(err, targetUrl)}` };
  }
}

/** A migration of this plan and environment the step runner still records as running. */
export async function runningMigration(pool: Pool, planId: string, environment: string): Promise<{ id: number; startedBy: string | null; startedAt: Date } | undefined> {
  const { rows } = await pool.query(
    `SELECT id, started_by, started_at FROM migration_executions WHERE plan_id = $1 AND environment = $2 AND status = 'running' ORDER BY id DESC LIMIT 1`,
    [planId, environment],
  );
  return rows[0] && { id: Number(rows[0].id), startedBy: rows[0].started_by, startedAt: rows[0].started_at };
}
