import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GoliveError } from '../errors.js';
import type { LoadedRoles } from '../roles/load.js';
import { formatPath, problemsFromIssues, type PathSegment, type Problem } from './issues.js';
import { planSchema, type Plan } from './schema.js';
import { parseYamlFile, type YamlSource } from './yaml.js';

/** A plan as loaded: where it came from and the digest of its text (recorded in the state DB). */
export interface LoadedPlan {
  file: string;
  plan: Plan;
  sha256: string;
}

export interface FileProblem extends Problem {
  file: string;
  line?: number | undefined;
}

/**
 * A plan (or roles) file that cannot be used. The message has one line per
 * problem: `plans/x.yaml: checkpoints[2].criteria[4].checks[1].expect.value: expected a number, got "abc" (line 57)`.
 */
export class PlanFileError extends GoliveError {
  readonly problems: FileProblem[];
  constructor(problems: FileProblem[], code = 'PLAN_INVALID') {
    super(code, problems.map(formatFileProblem).join('\n'));
    this.name = 'PlanFileError';
    this.problems = problems;
  }
}

export function formatFileProblem(p: FileProblem): string {
  const line = p.line === undefined ? '' : ` (line ${p.line})`;
  return `${p.file}: ${formatPath(p.path)}: ${p.message}${line}`;
}

/** Validate a plan from text (the file name is only for messages). Throws PlanFileError. */
export function parsePlanText(text: string, file: string): LoadedPlan {
  const source = parseYamlFile(text, file, (problems) => new PlanFileError(problems));
  const result = planSchema.safeParse(source.data, { reportInput: true });
  if (!result.success) {
    throw new PlanFileError(withLines(problemsFromIssues(result.error.issues), source));
  }
  return { file, plan: result.data, sha256: createHash('sha256').update(text).digest('hex') };
}

export function loadPlanFile(path: string): LoadedPlan {
  return parsePlanText(readText(path, 'PLAN_INVALID'), path);
}

/** Several plans at once; every file's problems are reported together, and a plan id may appear only once. */
export function loadPlans(paths: readonly string[]): LoadedPlan[] {
  const loaded: LoadedPlan[] = [];
  const problems: FileProblem[] = [];
  for (const path of paths) {
    try {
      loaded.push(loadPlanFile(path));
    } catch (err) {
      if (err instanceof PlanFileError) problems.push(...err.problems);
      else throw err;
    }
  }
  const firstById = new Map<string, string>();
  for (const { file, plan } of loaded) {
    const first = firstById.get(plan.id);
    if (first) problems.push({ file, path: ['id'], message: `plan id "${plan.id}" is already used by ${first}; each plan needs its own id` });
    else firstById.set(plan.id, file);
  }
  if (problems.length > 0) throw new PlanFileError(problems);
  return loaded;
}

/** Refuse a plan that names a role the roles file does not have, naming the role. */
export function crossCheckRoles(loaded: LoadedPlan, roles: LoadedRoles): void {
  const problems = missingRoles(loaded, roles).map(
    (m): FileProblem => ({
      file: loaded.file,
      path: m.path,
      message: `role "${m.role}" is not in the roles file ${roles.file}; add it there (roles: { ${m.role}: { users: [...] } })`,
    }),
  );
  if (problems.length > 0) throw new PlanFileError(problems, 'PLAN_ROLES_MISSING');
}

/**
 * Roles the plan names that the roles file lacks. Every role a plan uses is
 * declared under its `roles` (the schema refuses an undeclared one), so the
 * declaration is where each is reported.
 */
export function missingRoles(loaded: LoadedPlan, roles: LoadedRoles): { role: string; path: PathSegment[] }[] {
  return Object.keys(loaded.plan.roles)
    .filter((role) => !Object.hasOwn(roles.roles.roles, role))
    .map((role) => ({ role, path: ['roles', role] }));
}

export function readText(path: string, code: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new PlanFileError([{ file: path, path: [], message: `cannot read: ${reason}` }], code);
  }
}

function withLines(problems: Problem[], source: YamlSource): FileProblem[] {
  return problems.map((p) => ({ ...p, file: source.file, line: source.lineOf(p.path) }));
}
