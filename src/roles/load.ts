import { readFileSync } from 'node:fs';
import { problemsFromIssues } from '../plan/issues.js';
import { PlanFileError, type FileProblem } from '../plan/load.js';
import { parseYamlFile } from '../plan/yaml.js';
import { rolesFileSchema, type RolesFile } from './schema.js';

export interface LoadedRoles {
  file: string;
  roles: RolesFile;
}

/**
 * A roles file that cannot be used: one line per problem, like the plan's
 * (`roles.yaml: roles.dba.users[0]: expected a Slack user id like U0DBA0001, got "bob" (line 3)`).
 */
export class RolesFileError extends PlanFileError {
  constructor(problems: FileProblem[]) {
    super(problems, 'ROLES_INVALID');
    this.name = 'RolesFileError';
  }
}

export function parseRolesText(text: string, file: string): LoadedRoles {
  const source = parseYamlFile(text, file, (problems) => new RolesFileError(problems));
  const result = rolesFileSchema.safeParse(source.data, { reportInput: true });
  if (!result.success) {
    throw new RolesFileError(
      problemsFromIssues(result.error.issues).map((p) => ({ ...p, file, line: source.lineOf(p.path) })),
    );
  }
  return { file, roles: result.data };
}

export function loadRolesFile(path: string): LoadedRoles {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new RolesFileError([{ file: path, path: [], message: `cannot read: ${reason} (set GOLIVE_ROLES or copy roles.example.yaml)` }]);
  }
  return parseRolesText(text, path);
}
