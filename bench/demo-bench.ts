import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createDatabaseFromTemplate, dropDatabase } from '../src/demo/databases.js';
import { DEFAULT_SERVER_URL } from '../src/demo/setup.js';
import { ensureDemoTemplate } from '../src/demo/template.js';
import type { MigrationFile } from '../src/migration-file/parse.js';
import { redactUrl } from '../src/redact.js';

/**
 * What the benchmarks on the demo data set share: the command line
 * (--rows, --prefix, --server, --repeat), the 1,000,000-row template built
 * once and reused, fresh copies of it, and plain psql, the anchor the
 * migration benchmarks compare golive with.
 */

export interface DemoBench {
  rows: number;
  repeat: number;
  serverUrl: string;
  prefix: string;
  /** Every option as parsed, the bench's own included. */
  values: Record<string, string | boolean | undefined>;
}

export function demoBenchArgs(defaults: { repeat: string }, extra: NonNullable<ParseArgsConfig['options']> = {}): DemoBench {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      prefix: { type: 'string', default: 'golive_bench' },
      server: { type: 'string', default: DEFAULT_SERVER_URL },
      repeat: { type: 'string', default: defaults.repeat },
      ...extra,
    },
  });
  const rows = Number(String(values.rows).replace(/_/g, ''));
  const repeat = Number(values.repeat);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, got ${values.rows}`);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a positive integer, got ${values.repeat}`);
  return { rows, repeat, serverUrl: String(values.server), prefix: String(values.prefix), values: values as DemoBench['values'] };
}

/** Progress goes to stderr; the figures to stdout. */
export const log = (line: string): void => void process.stderr.write(`${line}\n`);
export const out = (line: string): void => void process.stdout.write(`${line}\n`);
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** The demo template of `rows` rows: built once, then reused by every run. */
export async function benchTemplate(bench: DemoBench): Promise<string> {
  log(`template ${bench.prefix}_template with ${bench.rows.toLocaleString('en')} rows on ${redactUrl(bench.serverUrl)} (built once, then reused)`);
  return (await ensureDemoTemplate({ serverUrl: bench.serverUrl, prefix: bench.prefix, rows: bench.rows, log })).name;
}

/** `work` on a fresh copy of the template, dropped afterwards whatever happens. */
export async function withFreshCopy<T>(bench: DemoBench, template: string, work: (url: string, name: string) => Promise<T>): Promise<T> {
  const name = `${bench.prefix}_run_${randomBytes(3).toString('hex')}`;
  const url = await createDatabaseFromTemplate(bench.serverUrl, template, name);
  try {
    return await work(url, name);
  } finally {
    await dropDatabase(bench.serverUrl, name);
  }
}

/** `psql -f FILE` (with -1 for one transaction), stopping at the first error. */
export function psql(url: string, file: string, singleTransaction: boolean): Promise<void> {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...(singleTransaction ? ['-1'] : []), '-d', url, '-f', file];
  return new Promise((resolve, reject) => {
    const child = spawn('psql', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql -f ${path.basename(file)} exited ${code}: ${stderr.trim()}`))));
  });
}

/**
 * The file as psql must be given it: the markers' transaction boundaries made
 * explicit (BEGIN/COMMIT around each transactional step), nothing else changed.
 * A marked file run raw in psql's autocommit would break on statements that
 * need a transaction block (LOCK TABLE in swap_tables).
 */
export function psqlScript(file: MigrationFile): string {
  return file.steps.map((step) => (step.transactional ? `BEGIN;\n${step.sql}\nCOMMIT;\n` : `${step.sql}\n`)).join('\n');
}

/** Each whole file with psql -f (as psqlScript writes it into `dir`): wall time per file. */
export async function timePsqlFiles(files: MigrationFile[], url: string, dir: string): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  for (const file of files) {
    const name = path.basename(file.fileName);
    const script = path.join(dir, name);
    await writeFile(script, psqlScript(file));
    const started = performance.now();
    await psql(url, script, false);
    times[name] = performance.now() - started;
  }
  return times;
}

/** Each step's SQL alone with psql -f (-1 for transactional steps): time per step. */
export async function timePsqlSteps(files: MigrationFile[], url: string, dir: string): Promise<Record<string, number>> {
  const steps: Record<string, number> = {};
  for (const file of files) {
    for (const step of file.steps) {
      const stepFile = path.join(dir, `${step.name}.sql`);
      await writeFile(stepFile, `${step.sql}\n`);
      const started = performance.now();
      await psql(url, stepFile, step.transactional);
      steps[step.name] = performance.now() - started;
    }
  }
  return steps;
}
