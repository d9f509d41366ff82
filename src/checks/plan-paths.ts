import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths.js';

/**
 * Paths a plan names (manifest files, query scripts) are relative to the plan
 * file's directory; a path written from the project root (plans/opt1/…) is
 * accepted too, so either habit works. The first candidate that exists wins;
 * when none does, the plan-relative one is reported.
 */
export function resolvePlanPath(planDir: string, file: string): string {
  if (path.isAbsolute(file)) return file;
  const candidates = [path.resolve(planDir, file), path.resolve(projectRoot(), file)];
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}
