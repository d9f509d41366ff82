import { randomBytes } from 'node:crypto';
import { cp as copyDir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { systemClock } from '../src/clock.js';
import { DEFAULT_TIMING, type CutoverDeps, type CutoverPoster } from '../src/cutover/deps.js';
import { runCutoverJob } from '../src/cutover/procedure.js';
import { dropDatabase as dropStateDatabase } from '../src/db/ensure-database.js';
import { migrateStateDb } from '../src/db/migrate.js';
import { createPool, withDatabase } from '../src/db/pool.js';
import { silentLogger } from '../src/logger.js';
import { loadMigrationFile, type MigrationFile } from '../src/migration-file/parse.js';
import { createRoleResolver } from '../src/permissions.js';
import { loadPlanRegistry } from '../src/plan-registry.js';
import { createStepRunner } from '../src/step-runner/index.js';
import { createStore } from '../src/store/index.js';
import { benchTemplate, demoBenchArgs, log, out, seconds, timePsqlFiles, timePsqlSteps, withFreshCopy } from './demo-bench.js';
import { median } from './support.js';

/**
 * `npm run bench:cutover [-- --rows N --prefix NAME --server URL --repeat R]`
 *
 * The whole cutover procedure (golive's rehearsal of it: the same phases,
 * checksums, snapshot, step runner, monitor with its progress queries and
 * thresholds, validation; no person to wait for) on a fresh copy of the
 * 1,000,000-row demo template, against the same migration files run with
 * plain `psql -f` on another fresh copy (BEGIN/COMMIT made explicit around
 * the steps the markers run in one transaction). Prints each step's time
 * both ways, the migration's and the whole cutover's, and golive's overhead
 * on the migration: the figure issue 9 holds it to (at most 5 %).
 */

const bench = demoBenchArgs({ repeat: '1' });
const { rows, repeat, serverUrl, prefix } = bench;

/**
 * The demo plan with the seed's clock (thresholds at 25 / 40 / 55 min, the
 * demo's are ÷ 10 and 1 M rows would cross them) and the validation checks
 * that need no baseline or web server (integrity, indexes, a connection).
 */
async function benchPlan(dir: string): Promise<string> {
  await copyDir(path.resolve('plans/opt1'), path.join(dir, 'opt1'), { recursive: true });
  const doc = parse(await readFile('plans/demo.yaml', 'utf8')) as Record<string, any>;
  const cp3 = (doc.checkpoints as Record<string, any>[]).find((c) => c.id === 'cp3')!;
  cp3.cutover.thresholds.items = [
    { after: '25m', action: 'assess', source: '13:30 (25 min elapsed): Assess if recoverable' },
    { after: '40m', action: 'consider_abort', source: '13:50 (40 min elapsed): Consider abort + rollback' },
    { after: '55m', action: 'hard_stop_rollback', source: '14:00 (55 min elapsed): HARD STOP → ROLLBACK START' },
  ];
  cp3.criteria = (cp3.criteria as Record<string, any>[]).filter((c) => c.id !== 'val_performance');
  const app = (cp3.criteria as Record<string, any>[]).find((c) => c.id === 'val_app_connectivity');
  if (app) app.checks = [{ id: 'app_connectivity', title: 'Application connectivity (database)', source: 'Application connectivity test: PASS', type: 'connectivity', params: { timeout: '10s' } }];
  for (const c of cp3.criteria as Record<string, any>[]) for (const k of c.checks as Record<string, any>[]) if (k.params?.timeout) k.params.timeout = '30m';
  const file = path.join(dir, 'demo.yaml');
  await writeFile(file, stringify(doc, { aliasDuplicateObjects: false }));
  return file;
}

const silentPoster: CutoverPoster = {
  post: async () => `${Date.now()}.000000`,
  update: async () => {},
  upsert: async () => `${Date.now()}.000000`,
  ephemeral: async () => {},
};

interface CutoverTiming {
  wholeMs: number;
  migrationMs: number;
  steps: Record<string, number>;
  files: Record<string, number>;
  status: string;
}

async function viaGolive(planFile: string, url: string): Promise<CutoverTiming> {
  const stateUrl = withDatabase(serverUrl, `${prefix}_cstate_${randomBytes(3).toString('hex')}`);
  await migrateStateDb(stateUrl, silentLogger());
  const pool = createPool(stateUrl, { applicationName: 'golive-bench', max: 5 });
  try {
    const store = createStore(pool);
    const plans = await loadPlanRegistry({ planFiles: [planFile], rolesFile: 'roles.example.yaml', environments: { shadow: url, staging: url, production: url } });
    await plans.register(store, systemClock.now());
    const deps: CutoverDeps = {
      plans,
      store,
      roles: createRoleResolver({ roles: plans.roles.roles, clock: systemClock }),
      queues: { enqueue: async () => {} },
      slack: silentPoster,
      clock: systemClock,
      logger: silentLogger(),
      config: { webUrl: 'http://127.0.0.1:9', readVariable: () => undefined, channel: 'CBENCH' },
      runner: createStepRunner({ statePool: pool, logger: silentLogger(), clock: systemClock }),
      timing: DEFAULT_TIMING,
    };
    const { cutover } = await store.cutovers.create({ planId: 'demo', checkpointId: 'cp3', environment: 'staging', kind: 'rehearsal', startedBy: 'UBENCH', channelId: 'CBENCH', now: systemClock.now() });
    await store.cutovers.confirm(cutover.id, 'UBENCH', systemClock.now());
    const started = performance.now();
    await runCutoverJob(deps, { cutoverId: cutover.id, mode: 'start', requestKey: `bench-${cutover.id}` });
    const wholeMs = performance.now() - started;
    const done = (await store.cutovers.get(cutover.id))!;
    const steps: Record<string, number> = {};
    const files: Record<string, number> = {};
    for (const id of done.executionIds) {
      const found = (await deps.runner.getExecution(id))!;
      files[path.basename(found.execution.file)] = found.execution.finishedAt!.getTime() - found.execution.startedAt.getTime();
      for (const s of found.steps) steps[s.stepName] = s.durationMs ?? 0;
    }
    return {
      wholeMs,
      migrationMs: done.migrationFinishedAt!.getTime() - done.migrationStartedAt!.getTime(),
      steps,
      files,
      status: `${done.status}${done.finalReason ? ` (${done.finalReason})` : ''}`,
    };
  } finally {
    await pool.end();
    await dropStateDatabase(stateUrl);
  }
}

async function viaPsql(files: MigrationFile[], url: string, dir: string): Promise<{ totalMs: number; files: Record<string, number> }> {
  const times = await timePsqlFiles(files, url, dir);
  return { totalMs: Object.values(times).reduce((a, b) => a + b, 0), files: times };
}

const template = await benchTemplate(bench);
const dir = await mkdtemp(path.join(tmpdir(), 'golive-bench-cutover-'));
const planFile = await benchPlan(dir);
const files = await Promise.all(['1770470100_temporal_partitioning_geometrias.sql', '1770500100_auto_partition_creation_2029_plus.sql'].map((f) => loadMigrationFile(path.join(dir, 'opt1', f))));

const golive: CutoverTiming[] = [];
const psqlFiles: Awaited<ReturnType<typeof viaPsql>>[] = [];
const psqlSteps: Record<string, number>[] = [];
try {
  for (let round = 1; round <= repeat; round++) {
    // Alternate the order so a warm cache does not always favour the same side.
    const order = round % 2 ? (['golive', 'psql', 'steps'] as const) : (['psql', 'steps', 'golive'] as const);
    for (const way of order) {
      log(`round ${round}/${repeat}: ${way}`);
      if (way === 'golive') golive.push(await withFreshCopy(bench, template, (url) => viaGolive(planFile, url)));
      else if (way === 'psql') psqlFiles.push(await withFreshCopy(bench, template, (url) => viaPsql(files, url, dir)));
      else psqlSteps.push(await withFreshCopy(bench, template, (url) => timePsqlSteps(files, url, dir)));
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const pad = (t: string, w: number) => t.padEnd(w);
const padl = (t: string, w: number) => t.padStart(w);
out(`OPT1 cutover (rehearsal procedure) on ${rows.toLocaleString('en')} demo rows, fresh copy of ${template} each time, median of ${repeat} round(s)`);
out(`golive outcome: ${golive.map((g) => g.status).join('; ')}`);
out('');
out(`${pad('step', 32)}${padl('golive', 12)}${padl('psql -f step', 14)}`);
for (const file of files) {
  for (const step of file.steps) {
    out(`${pad(`  ${step.name}`, 32)}${padl(seconds(median(golive.map((g) => g.steps[step.name] ?? 0))), 12)}${padl(seconds(median(psqlSteps.map((p) => p[step.name] ?? 0))), 14)}`);
  }
}
out('');
out(`${pad('file', 56)}${padl('golive', 12)}${padl('psql -f file', 14)}`);
for (const file of files) {
  const name = path.basename(file.fileName);
  out(`${pad(`  ${name}`, 56)}${padl(seconds(median(golive.map((g) => g.files[name] ?? 0))), 12)}${padl(seconds(median(psqlFiles.map((p) => p.files[name] ?? 0))), 14)}`);
}
const migration = median(golive.map((g) => g.migrationMs));
const whole = median(golive.map((g) => g.wholeMs));
const plain = median(psqlFiles.map((p) => p.totalMs));
out('');
out(`migration (first step to last, golive: runner, records, monitor): ${seconds(migration)}`);
out(`same files with psql -f:                                          ${seconds(plain)}`);
out(`whole cutover (window, checksums, snapshot, steps, validation, post-cutover): ${seconds(whole)}`);
const overhead = migration / plain;
out(`golive's overhead on the migration: ratio ${overhead.toFixed(3)} (${((overhead - 1) * 100).toFixed(1)} %, target at most +5 %)`);
