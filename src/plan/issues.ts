import type { z } from 'zod';

/**
 * zod's issues turned into problems a person can act on: a path inside the
 * file and a plain message ("expected a number, got \"abc\""). Unions are
 * resolved to the branch the author evidently meant.
 */

export type PathSegment = string | number;

export interface Problem {
  path: PathSegment[];
  message: string;
}

type Issue = z.core.$ZodIssue;

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a text',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
  undefined: 'nothing',
};

export function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input);
  if (typeof input === 'number' || typeof input === 'boolean') return String(input);
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return typeof input;
}

/** `checkpoints[2].criteria[4].checks[1].expect` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(top level)' : out;
}

export function problemsFromIssues(issues: readonly Issue[], prefix: PathSegment[] = []): Problem[] {
  return issues.flatMap((issue) => problemsFromIssue(issue, prefix));
}

function problemsFromIssue(issue: Issue, prefix: PathSegment[]): Problem[] {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  switch (issue.code) {
    case 'invalid_type': {
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return [{ path, message: `missing: expected ${expected}` }];
      return [{ path, message: `expected ${expected}, got ${describeInput(issue.input)}` }];
    }
    case 'invalid_value':
      if (issue.message.startsWith('Invalid')) {
        const values = issue.values.map((v) => JSON.stringify(v)).join(', ');
        return [{ path, message: `expected one of ${values}, got ${describeInput(issue.input)}` }];
      }
      return [{ path, message: `${issue.message}, got ${describeInput(issue.input)}` }];
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return [{ path, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}` }];
    }
    case 'invalid_union': {
      const branch = closestBranch(issue.errors);
      if (branch) return problemsFromIssues(branch, path);
      const message = issue.message.startsWith('Invalid input') ? 'does not match any accepted form' : issue.message;
      return [{ path, message: `${message}, got ${describeInput(issue.input)}` }];
    }
    case 'too_small':
      if (issue.message.startsWith('Too small')) {
        const what = issue.origin === 'array' ? `at least ${String(issue.minimum)} item(s)` : `at least ${String(issue.minimum)}`;
        return [{ path, message: `expected ${what}, got ${describeInput(issue.input)}` }];
      }
      return [{ path, message: issue.message }];
    case 'too_big':
      if (issue.message.startsWith('Too big')) {
        return [{ path, message: `expected at most ${String(issue.maximum)}, got ${describeInput(issue.input)}` }];
      }
      return [{ path, message: issue.message }];
    case 'invalid_format':
      if (issue.message.startsWith('Invalid')) return [{ path, message: `expected ${issue.format}, got ${describeInput(issue.input)}` }];
      return [{ path, message: `${issue.message}, got ${describeInput(issue.input)}` }];
    case 'invalid_key':
      return problemsFromIssues(issue.issues, path).map((p) => ({ ...p, message: `key: ${p.message}` }));
    case 'invalid_element':
      return problemsFromIssues(issue.issues, path);
    default:
      return [{ path, message: issue.message }];
  }
}

/**
 * The branch of a union the author meant: not one rejected outright for its
 * type, and among the rest the one with the fewest problems (unknown keys
 * weigh extra). Undefined when no branch stands out.
 */
function closestBranch(branches: Issue[][]): Issue[] | undefined {
  const scored = branches
    .filter((issues) => !issues.some((i) => i.path.length === 0 && i.code === 'invalid_type'))
    .map((issues) => ({
      issues,
      score: issues.reduce((n, i) => n + 1 + (i.code === 'unrecognized_keys' ? i.keys.length : 0), 0),
    }))
    .sort((a, b) => a.score - b.score);
  if (scored.length === 0) return undefined;
  if (scored.length > 1 && scored[0]!.score === scored[1]!.score) return undefined;
  return scored[0]!.issues;
}
