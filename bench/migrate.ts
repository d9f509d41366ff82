import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../src/clock.js';
import { dropDatabase as dropStateDatabase } from '../src/db/ensure-database.js';
import { migrateStateDb } from '../src/db/migrate.js';
import { createPool, withDatabase } from '../src/db/pool.js';
import { forwardMigrationFiles } from '../src/demo/setup.js';
import { silentLogger } from '../src/logger.js';
import { loadMigrationFile, type MigrationFile } from '../src/migration-file/parse.js';
import { fromRoot } from '../src/paths.js';
import { createStepRunner, type StepRunner } from '../src/step-runner/index.js';
import { benchTemplate, demoBenchArgs, log, out, seconds, timePsqlFiles, timePsqlSteps, withFreshCopy } from './demo-bench.js';
import { median } from './support.js';

/**
 * `npm run bench:migrate [-- --rows N --prefix NAME --server URL --repeat R]`
 *
 * The OPT1 migration files and then the rollback, on a fresh copy of the
 * 1,000,000-row demo template each time, three ways:
 *   - golive's step runner (state DB records, advisory lock, tagged session);
 *   - plain `psql -f` on each whole file (the anchor), with BEGIN/COMMIT
 *     around the steps the markers run in one transaction;
 *   - plain `psql -f` on each step's SQL alone (for the per-step column).
 * Prints each step's time side by side and the runner's overhead against
 * `psql -f`. The figure issue 9 holds golive to: at most 5 % overhead.
 */

const bench = demoBenchArgs({ repeat: '1' });
const { rows, repeat } = bench;

const planDir = fromRoot('plans', 'opt1');
const forwardPaths = await forwardMigrationFiles(planDir);
const rollbackPath = path.join(planDir, 'ROLLBACK_OPT1_temporal_partitioning_geometrias.sql');
const files: MigrationFile[] = await Promise.all([...forwardPaths, rollbackPath].map((f) => loadMigrationFile(f)));
const label = (file: MigrationFile) => path.basename(file.fileName);

/** One measurement: per file, its wall time and each step's time. */
interface Timing {
  files: Array<{ name: string; wallMs: number; steps: Record<string, number> }>;
}

async function viaRunner(runner: StepRunner, url: string): Promise<Timing> {
  const timing: Timing = { files: [] };
  for (const file of files) {
    const started = performance.now();
    const result = await runner.run({ file: file.fileName, environment: 'bench', targetUrl: url, purpose: 'drill', planId: 'bench' });
    const wallMs = performance.now() - started;
    if (result.status !== 'succeeded') throw new Error(`runner: ${label(file)} ${result.status}: ${result.error}`);
    timing.files.push({ name: label(file), wallMs, steps: Object.fromEntries(result.steps.map((s) => [s.name, s.durationMs ?? 0])) });
  }
  return timing;
}

async function viaPsqlFiles(url: string, dir: string): Promise<Timing> {
  const times = await timePsqlFiles(files, url, dir);
  return { files: files.map((file) => ({ name: label(file), wallMs: times[label(file)]!, steps: {} })) };
}

async function viaPsqlSteps(url: string, dir: string): Promise<Timing> {
  const timing: Timing = { files: [] };
  for (const file of files) {
    const steps = await timePsqlSteps([file], url, dir);
    timing.files.push({ name: label(file), wallMs: Object.values(steps).reduce((a, b) => a + b, 0), steps });
  }
  return timing;
}

const template = await benchTemplate(bench);

const stateUrl = withDatabase(bench.serverUrl, `${bench.prefix}_state_${randomBytes(3).toString('hex')}`);
await migrateStateDb(stateUrl, silentLogger());
const statePool = createPool(stateUrl, { applicationName: 'golive-bench', max: 3 });
const runner = createStepRunner({ statePool, logger: silentLogger(), clock: systemClock });
const stepDir = await mkdtemp(path.join(tmpdir(), 'golive-bench-'));

const measured: Record<'runner' | 'psqlFile' | 'psqlStep', Timing[]> = { runner: [], psqlFile: [], psqlStep: [] };
try {
  for (let round = 1; round <= repeat; round++) {
    // Alternate the order so a warm cache does not always favour the same side.
    const order = round % 2 ? (['runner', 'psqlFile', 'psqlStep'] as const) : (['psqlFile', 'psqlStep', 'runner'] as const);
    for (const way of order) {
      log(`round ${round}/${repeat}: ${way}`);
      const timing = await withFreshCopy(bench, template, (url) =>
        way === 'runner' ? viaRunner(runner, url) : way === 'psqlFile' ? viaPsqlFiles(url, stepDir) : viaPsqlSteps(url, stepDir),
      );
      measured[way].push(timing);
    }
  }
} finally {
  await statePool.end();
  await dropStateDatabase(stateUrl);
  await rm(stepDir, { recursive: true, force: true });
}

// Medians over the rounds, per file and step.
const fileWall = (way: keyof typeof measured, name: string) => median(measured[way].map((t) => t.files.find((f) => f.name === name)!.wallMs));
const stepTime = (way: keyof typeof measured, name: string, step: string) => median(measured[way].map((t) => t.files.find((f) => f.name === name)!.steps[step] ?? 0));

const pad = (text: string, width: number) => text.padEnd(width);
const padl = (text: string, width: number) => text.padStart(width);
out(`OPT1 migration then rollback on ${rows.toLocaleString('en')} demo rows, fresh copy of ${template} each time, median of ${repeat} round(s)`);
out('');
out(`${pad('file / step', 56)}${padl('runner', 12)}${padl('psql -f step', 14)}${padl('psql -f file', 14)}`);
let runnerTotal = 0;
let psqlTotal = 0;
for (const file of files) {
  const name = label(file);
  out(name);
  for (const step of file.steps) {
    out(`${pad(`  ${step.name}`, 56)}${padl(seconds(stepTime('runner', name, step.name)), 12)}${padl(seconds(stepTime('psqlStep', name, step.name)), 14)}`);
  }
  const runnerWall = fileWall('runner', name);
  const psqlWall = fileWall('psqlFile', name);
  runnerTotal += runnerWall;
  psqlTotal += psqlWall;
  out(`${pad('  whole file (runner wall: connect, lock, records)', 56)}${padl(seconds(runnerWall), 12)}${padl(seconds(fileWall('psqlStep', name)), 14)}${padl(seconds(psqlWall), 14)}`);
}
const overhead = runnerTotal / psqlTotal;
out('');
out(`all files: runner ${seconds(runnerTotal)}, psql -f ${seconds(psqlTotal)}; overhead ratio ${overhead.toFixed(3)} (${((overhead - 1) * 100).toFixed(1)} %, target at most +5 %)`);
