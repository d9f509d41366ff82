import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../plan/units.js';
import { restoreIntoScratch, restoreList, toolReason } from './backup-tool.js';
import { defineCheck, type Figures, type RawOutcome } from './types.js';

/**
 * A backup someone (or backup_tool) already took is usable: its table of
 * contents reads back with pg_restore --list, or (mode restore) it restores
 * into a scratch database on the environment's server, dropped afterwards,
 * with the rows of the plan's target table counted. Without `file_name`, the
 * newest backup in `path`.
 */
export const backupVerifyCheck = defineCheck({
  type: 'backup_verify',
  defaultTimeoutMs: 30 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const observed: Figures = { ok: false, toc_entries: null, restored_rows: null, duration_ms: null };
    const file = params.file_name ? path.join(params.path, params.file_name) : await newestIn(params.path);
    const evidence: Record<string, unknown> = { path: params.path, mode: params.mode, file: file ?? null };
    if (!file) return { status: 'fail', observed, evidence, message: `no backup in ${params.path}` };
    const info = await stat(file).catch(() => undefined);
    if (!info) return { status: 'fail', observed, evidence, message: `${file} does not exist` };
    evidence.modified_at = info.mtime.toISOString();
    if (!info.isDirectory()) evidence.size = formatBytes(info.size);
    const started = performance.now();

    const { list, entries } = await restoreList(file, ctx.signal);
    observed.toc_entries = entries;
    evidence.pg_restore_list = { exit_code: list.code, toc_entries: entries };
    if (list.code !== 0 || entries === 0) {
      observed.duration_ms = Math.round(performance.now() - started);
      return { status: list.missing ? 'error' : 'fail', observed, evidence, message: `pg_restore --list could not read ${path.basename(file)}: ${list.code === 0 ? 'empty table of contents' : toolReason(list, 'pg_restore')}` };
    }
    if (params.mode === 'list') {
      observed.ok = true;
      observed.duration_ms = Math.round(performance.now() - started);
      return { status: 'pass', observed, evidence, message: `${path.basename(file)}: ${entries} TOC entries read back` };
    }

    const table = ctx.plan.target?.table; // (a hand-built plan in a test may have none)
    const restored = await restoreIntoScratch(ctx, file, undefined, table);
    observed.duration_ms = Math.round(performance.now() - started);
    evidence.scratch_restore = restored.evidence;
    if (!restored.ok) return { status: 'fail', observed, evidence, message: `${path.basename(file)} did not restore into a scratch database: ${restored.reason}` };
    observed.restored_rows = restored.rows ?? null;
    observed.ok = true;
    const rows = restored.rows === undefined || restored.rows === null ? `${table ?? 'the target table'} not in the backup` : `${restored.rows.toLocaleString('en')} rows of ${table}`;
    return { status: 'pass', observed, evidence, message: `${path.basename(file)} restored into a scratch database (${rows}) in ${Math.round(observed.duration_ms / 100) / 10} s` };
  },
});

/** The most recently modified entry of a backup directory (a file, or a directory-format dump). */
async function newestIn(dir: string): Promise<string | undefined> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let newest: { file: string; at: number } | undefined;
  for (const name of names) {
    if (name.startsWith('.') || name.includes('.partial-')) continue;
    const file = path.join(dir, name);
    const at = (await stat(file).catch(() => undefined))?.mtimeMs;
    if (at !== undefined && (!newest || at > newest.at)) newest = { file, at };
  }
  return newest?.file;
}
