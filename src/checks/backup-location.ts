import { randomBytes } from 'node:crypto';
import { readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../plan/units.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * The backup directory exists and takes a write: a small file is written,
 * read back and removed. Free space is reported beside it (disk_free judges
 * the threshold).
 */
export const backupLocationCheck = defineCheck({
  type: 'backup_location',
  defaultTimeoutMs: 15_000,
  async run(params): Promise<RawOutcome> {
    const dir = params.path;
    const info = await stat(dir).catch((err: NodeJS.ErrnoException) => err);
    if (info instanceof Error) {
      const reason = info.code === 'ENOENT' ? 'does not exist' : info.code === 'EACCES' ? 'is not accessible (permission denied)' : info.message;
      return { status: 'fail', observed: { exists: false, writable: false }, evidence: { path: dir, error: reason }, message: `${dir} ${reason}` };
    }
    if (!info.isDirectory()) {
      return { status: 'fail', observed: { exists: true, writable: false }, evidence: { path: dir }, message: `${dir} is not a directory` };
    }
    const probe = path.join(dir, `.golive-write-test-${randomBytes(6).toString('hex')}`);
    const content = `golive ${new Date().toISOString()}`;
    let writable = false;
    let error: string | undefined;
    try {
      await writeFile(probe, content, { flag: 'wx' });
      writable = (await readFile(probe, 'utf8')) === content;
      if (!writable) error = 'the file read back differs from what was written';
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      error = e.code === 'EACCES' || e.code === 'EROFS' ? `not writable (${e.code})` : e.message;
    } finally {
      await rm(probe, { force: true }).catch(() => {});
    }
    const fs = await statfs(dir).catch(() => undefined);
    const free = fs ? fs.bavail * fs.bsize : null;
    return {
      status: writable ? 'pass' : 'fail',
      observed: { exists: true, writable, free_bytes: free },
      evidence: { path: dir, write_test: writable ? 'written, read back, removed' : error, free: free === null ? null : formatBytes(free) },
      message: writable ? `${dir} is writable${free === null ? '' : ` (${formatBytes(free)} free)`}` : `${dir} ${error}`,
    };
  },
});
