import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { baseContext, checkOf } from './support.js';

describe('backup_location check', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'golive-backups-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes on a writable directory, leaves nothing behind and reports free space', async () => {
    const check = checkOf('backup_location', { path: dir });
    const outcome = (await executeGroup([check], baseContext())).get(check.id)!;
    expect(outcome.status).toBe('pass');
    expect(outcome.observed).toMatchObject({ exists: true, writable: true });
    expect(outcome.observed.free_bytes).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails on a directory that does not exist', async () => {
    const check = checkOf('backup_location', { path: path.join(dir, 'missing') });
    const outcome = (await executeGroup([check], baseContext())).get(check.id)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatch(/missing does not exist/);
  });

  it('fails on a path that is a file', async () => {
    const file = path.join(dir, 'plain-file');
    await writeFile(file, 'x');
    const check = checkOf('backup_location', { path: file });
    const outcome = (await executeGroup([check], baseContext())).get(check.id)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatch(/is not a directory/);
    await rm(file);
  });
});
