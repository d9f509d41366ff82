import path from 'node:path';
import { GoliveError } from '../errors.js';
import { loadMigrationFile, type MigrationFile } from '../migration-file/parse.js';
import { projectRoot } from '../paths.js';

/**
 * Files are recorded relative to the project root when they live in it
 * (`plans/opt1/…sql`), so a record written by one worker is read by another
 * whatever its working directory; anything else is recorded absolute.
 */
export function recordedPath(file: string): string {
  const absolute = path.resolve(file);
  const relative = path.relative(projectRoot(), absolute);
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
}

export function resolveRecordedPath(recorded: string): string {
  return path.isAbsolute(recorded) ? recorded : path.join(projectRoot(), recorded);
}

export async function readMigrationFile(file: string): Promise<MigrationFile> {
  try {
    return await loadMigrationFile(file);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') {
      throw new GoliveError('MIGRATION_FILE_NOT_FOUND', `the migration file ${file} does not exist: check the path (relative paths start at ${process.cwd()})`, { cause: err });
    }
    throw err;
  }
}

/**
 * The advisory lock belongs to the logical migration, not the file: a plan's
 * migration and its rollback live in one directory (plans/opt1/) and must
 * never run at the same time on one database, so they share `golive:opt1`.
 */
export function defaultLockName(file: string): string {
  return `golive:${path.basename(path.dirname(path.resolve(file)))}`;
}
