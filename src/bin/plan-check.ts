import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { implementedTypes } from '../checks/index.js';
import { describeError } from '../errors.js';
import { describePlan, planWarnings } from '../plan/inspect.js';
import { formatFileProblem, loadPlans, PlanFileError } from '../plan/load.js';
import { parseYamlFile } from '../plan/yaml.js';
import { loadRolesFile, type LoadedRoles } from '../roles/load.js';

/**
 * `npm run plan:check -- FILE [FILE …] [--roles FILE]`: validate plans and
 * print what they say (checkpoints and windows in the plan's time zone,
 * criteria, checks per type and whether each type is implemented, roles,
 * briefings), then warnings. Errors print as `file: path: problem (line N)`
 * and exit 1; warnings alone exit 0.
 */

const USAGE = 'usage: npm run plan:check -- FILE [FILE …] [--roles FILE]';
const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function main(): number {
  let args: ReturnType<typeof parseArgs<{ allowPositionals: true; options: { roles: { type: 'string' }; help: { type: 'boolean'; short: 'h' } } }>>;
  try {
    args = parseArgs({ allowPositionals: true, options: { roles: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    err(`${describeError(e)}\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    out(USAGE);
    return 0;
  }
  const files = args.positionals;
  if (files.length === 0) {
    err(USAGE);
    return 2;
  }

  let roles: LoadedRoles | undefined;
  try {
    roles = args.values.roles ? loadRolesFile(args.values.roles) : undefined;
  } catch (e) {
    printErrors(e);
    return 1;
  }

  let loaded;
  try {
    loaded = loadPlans(files);
  } catch (e) {
    printErrors(e);
    return 1;
  }

  let warnings = 0;
  for (const plan of loaded) {
    for (const line of describePlan(plan, { implementedTypes: implementedTypes(), roles })) out(line);
    // Re-read for line numbers: the loaded plan keeps only the data.
    const source = parseYamlFile(readFileSync(plan.file, 'utf8'), plan.file, () => new Error('unreadable'));
    const found = planWarnings(plan, { roles, lineOf: source.lineOf });
    warnings += found.length;
    out(`  warnings: ${found.length === 0 ? 'none' : found.length}`);
    for (const w of found) out(`    warning: ${formatFileProblem(w)}`);
    out('');
  }
  out(`${loaded.length} plan${loaded.length === 1 ? '' : 's'} valid${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`);
  return 0;
}

function printErrors(e: unknown): void {
  if (e instanceof PlanFileError) {
    for (const p of e.problems) err(formatFileProblem(p));
    err(`${e.problems.length} error${e.problems.length === 1 ? '' : 's'}`);
  } else {
    err(describeError(e));
  }
}

process.exitCode = main();
