import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import type { ManifestFile } from '../../../src/plan/schema.js';
import { baseContext, checkOf, memoryPins, planWith } from './support.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('file_checksum check', () => {
  let dir: string;
  const files = (entries: Array<Partial<ManifestFile> & { id: string }>) =>
    entries.map((e) => ({ path: `${e.id}.sql`, kind: 'migration', sha256: 'TBD', ...e })) as ManifestFile[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'golive-manifest-'));
    await writeFile(path.join(dir, 'forward.sql'), 'SELECT 1;\n');
    await writeFile(path.join(dir, 'rollback.sql'), 'SELECT 2;\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (manifest: ManifestFile[], ids: string[], pins = memoryPins()) => {
    const check = checkOf('file_checksum', { files: ids });
    const ctx = baseContext({ plan: planWith({ files: manifest }), planDir: dir, pins });
    return (await executeGroup([check], ctx)).get(check.id)!;
  };

  it('passes when every file exists with the manifest’s SHA-256 (paths relative to the plan file)', async () => {
    const outcome = await run(files([{ id: 'forward', sha256: sha('SELECT 1;\n') }, { id: 'rollback', sha256: sha('SELECT 2;\n') }]), ['forward', 'rollback']);
    expect(outcome.status).toBe('pass');
    expect(outcome.observed).toEqual({ matched: 2, mismatched: 0, missing: 0 });
  });

  it('fails on an edited file, naming the file, the expected and the actual digest', async () => {
    const expected = sha('SELECT 1; -- approved\n');
    const outcome = await run(files([{ id: 'forward', sha256: expected }]), ['forward']);
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toBe(`forward.sql: checksum mismatch, expected ${expected}, actual ${sha('SELECT 1;\n')}`);
    expect(outcome.observed).toMatchObject({ mismatched: 1 });
  });

  it('fails on a missing file, naming it', async () => {
    const outcome = await run(files([{ id: 'gone', sha256: sha('x') }]), ['gone']);
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toBe('gone.sql: file not found');
    expect(outcome.observed).toMatchObject({ missing: 1 });
  });

  it('fails with a clear message while the manifest says TBD', async () => {
    const outcome = await run(files([{ id: 'forward', sha256: 'TBD' }]), ['forward']);
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatch(/forward\.sql: the plan's manifest has no checksum yet \(sha256: TBD\); its SHA-256 now is [0-9a-f]{64}/);
  });

  it('auto: pins the digest the first time, then catches a later edit', async () => {
    const pins = memoryPins();
    const manifest = files([{ id: 'rollback', sha256: 'auto' }]);
    const first = await run(manifest, ['rollback'], pins);
    expect(first.status).toBe('pass');
    expect(first.message).toMatch(/1 auto digest pinned now/);
    expect(pins.pinned.get('tplan/rollback')).toBe(sha('SELECT 2;\n'));

    await writeFile(path.join(dir, 'rollback.sql'), 'SELECT 2; -- edited\n');
    const second = await run(manifest, ['rollback'], pins);
    expect(second.status).toBe('fail');
    expect(second.message).toMatch(/rollback\.sql: checksum mismatch, expected [0-9a-f]{64}, actual [0-9a-f]{64}/);
  });
});
