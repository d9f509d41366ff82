import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolvePlanPath } from './plan-paths.js';
import { defineCheck, type CheckContext, type RawOutcome } from './types.js';

type FileVerdict =
  | { id: string; path: string; state: 'matched'; sha256: string; pinnedNow?: boolean }
  | { id: string; path: string; state: 'mismatched'; expected: string; actual: string }
  | { id: string; path: string; state: 'missing'; error: string }
  | { id: string; path: string; state: 'unknown'; actual: string };

/**
 * Migration files exist and hash to the SHA-256 the plan's manifest gives.
 * `auto` compares with the digest pinned in the state DB (pinned the first
 * time the plan was loaded or checked); `TBD` fails until someone writes the
 * real digest into the plan.
 */
export const fileChecksumCheck = defineCheck({
  type: 'file_checksum',
  defaultTimeoutMs: 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const verdicts: FileVerdict[] = [];
    for (const id of params.files) verdicts.push(await verifyFile(id, ctx));
    const count = (s: FileVerdict['state']) => verdicts.filter((v) => v.state === s).length;
    const observed = { matched: count('matched'), mismatched: count('mismatched') + count('unknown'), missing: count('missing') };
    const evidence = { files: verdicts };
    const problems = verdicts.filter((v) => v.state !== 'matched').map(describe);
    if (problems.length === 0) {
      const pinned = verdicts.filter((v) => v.state === 'matched' && v.pinnedNow).length;
      return {
        status: 'pass',
        observed,
        evidence,
        message: `${verdicts.length} file${verdicts.length === 1 ? '' : 's'} present, SHA-256 as in the manifest${pinned ? ` (${pinned} auto digest${pinned === 1 ? '' : 's'} pinned now)` : ''}`,
      };
    }
    return { status: 'fail', observed, evidence, message: problems.join('; ') };
  },
});

async function verifyFile(id: string, ctx: CheckContext): Promise<FileVerdict> {
  const entry = ctx.plan.migration.files.find((f) => f.id === id);
  if (!entry) return { id, path: '?', state: 'missing', error: `no file "${id}" in the plan's migration.files` };
  const file = resolvePlanPath(ctx.planDir, entry.path);
  let actual: string;
  try {
    actual = await sha256Of(file, ctx.signal);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { id, path: entry.path, state: 'missing', error: e.code === 'ENOENT' ? 'file not found' : e.message };
  }
  if (entry.sha256 === 'TBD') return { id, path: entry.path, state: 'unknown', actual };
  if (entry.sha256 === 'auto') {
    const before = await ctx.pins.get(ctx.plan.id, id);
    const expected = before ?? (await ctx.pins.pin(ctx.plan.id, id, actual));
    return expected === actual
      ? { id, path: entry.path, state: 'matched', sha256: actual, ...(before ? {} : { pinnedNow: true }) }
      : { id, path: entry.path, state: 'mismatched', expected, actual };
  }
  return entry.sha256 === actual ? { id, path: entry.path, state: 'matched', sha256: actual } : { id, path: entry.path, state: 'mismatched', expected: entry.sha256, actual };
}

function describe(v: FileVerdict): string {
  switch (v.state) {
    case 'missing':
      return `${v.path}: ${v.error}`;
    case 'mismatched':
      return `${v.path}: checksum mismatch, expected ${v.expected}, actual ${v.actual}`;
    case 'unknown':
      return `${v.path}: the plan's manifest has no checksum yet (sha256: TBD); its SHA-256 now is ${v.actual}: write it into the plan once the file is approved`;
    case 'matched':
      return `${v.path}: ok`;
  }
}

export function sha256Of(file: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(file, { signal });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}
