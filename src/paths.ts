import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found from this file whether it runs from src/ (tsx,
 * vitest) or from dist/src/ (compiled): the first ancestor with package.json.
 */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('golive: cannot find the project root (no package.json above src/)');
    dir = parent;
  }
  return dir;
}

export function fromRoot(...parts: string[]): string {
  return path.join(projectRoot(), ...parts);
}
