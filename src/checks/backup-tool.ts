import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { quoteIdent, withDatabase } from '../db/pool.js';
import { formatBytes } from '../plan/units.js';
import { redactUrl } from '../redact.js';
import { describeDatabaseError } from './pg-errors.js';
import { openSession } from './pg-session.js';
import { lastErrorLine, runTool, withToolConnection, type ToolResult } from './pg-tools.js';
import { defineCheck, type CheckContext, type Figures, type RawOutcome } from './types.js';

const FORMAT_FLAG = { custom: '-Fc', directory: '-Fd', tar: '-Ft' } as const;

/**
 * The backup tool works end to end: a real pg_dump of the target into the
 * backup directory, pg_restore --list of the file (its table of contents
 * reads back), and where the plan asks, a full restore into a scratch
 * database on the same server, dropped afterwards.
 */
export const backupToolCheck = defineCheck({
  type: 'backup_tool',
  defaultTimeoutMs: 30 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const keep = params.file_name !== undefined;
    const name = params.file_name ?? `golive-check-${ctx.environment}-${randomBytes(4).toString('hex')}.dump`;
    const finalPath = path.join(params.path, name);
    // A kept backup appears under its name only once complete.
    const workPath = keep ? `${finalPath}.partial-${randomBytes(3).toString('hex')}` : finalPath;
    const evidence: Record<string, unknown> = { target: redactUrl(ctx.targetUrl), file: finalPath, format: params.format, kept: keep };
    const observed: Figures = { ok: false, size_bytes: null, duration_ms: null, toc_entries: null, restored: params.restore_into_scratch ? false : null };
    try {
      const dump = await pgDump(ctx, params.format, workPath, params.jobs);
      evidence.pg_dump = { exit_code: dump.code, duration_ms: dump.durationMs };
      observed.duration_ms = dump.durationMs;
      if (dump.code !== 0) return { status: dumpFailureStatus(dump), observed, evidence, message: `pg_dump failed: ${toolReason(dump, 'pg_dump')}` };
      if (keep) await rename(workPath, finalPath);
      const size = await sizeOf(finalPath);
      observed.size_bytes = size;
      evidence.size = formatBytes(size);

      if (params.restore_list) {
        const { list, entries, sample } = await restoreList(finalPath, ctx.signal);
        observed.toc_entries = entries;
        evidence.pg_restore_list = { exit_code: list.code, toc_entries: entries, sample };
        if (list.code !== 0 || entries === 0) {
          return { status: 'fail', observed, evidence, message: `pg_restore --list could not read the dump: ${list.code === 0 ? 'empty table of contents' : toolReason(list, 'pg_restore')}` };
        }
      }

      if (params.restore_into_scratch) {
        const restored = await restoreIntoScratch(ctx, finalPath, params.jobs);
        evidence.scratch_restore = restored.evidence;
        observed.restored = restored.ok;
        if (!restored.ok) return { status: 'fail', observed, evidence, message: `restore into a scratch database failed: ${restored.reason}` };
      }
      observed.ok = true;
      const parts = [`pg_dump ${params.format} ${formatBytes(size)} in ${Math.round(dump.durationMs / 100) / 10} s`];
      if (params.restore_list) parts.push(`${observed.toc_entries} TOC entries read back`);
      if (params.restore_into_scratch) parts.push('restored into a scratch database');
      return { status: 'pass', observed, evidence, message: parts.join(', ') };
    } finally {
      await rm(workPath, { recursive: true, force: true }).catch(() => {});
      if (!keep) await rm(finalPath, { recursive: true, force: true }).catch(() => {});
    }
  },
});

export async function pgDump(ctx: Pick<CheckContext, 'targetUrl' | 'signal'>, format: keyof typeof FORMAT_FLAG, file: string, jobs?: number): Promise<ToolResult> {
  return withToolConnection(ctx.targetUrl, 'golive-backup', (dbUrl) =>
    runTool(
      'pg_dump',
      [FORMAT_FLAG[format], '--no-password', '--lock-wait-timeout=30s', '-f', file, ...(format === 'directory' && jobs ? ['-j', String(jobs)] : []), `--dbname=${dbUrl}`],
      ctx.signal,
    ),
  );
}

/** pg_restore --list of a dump: its table of contents, counted (comment lines left out), and the first entries. */
export async function restoreList(file: string, signal: AbortSignal): Promise<{ list: ToolResult; entries: number; sample: string[] }> {
  const list = await runTool('pg_restore', ['--list', file], signal);
  const toc = list.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';'));
  return { list, entries: toc.length, sample: toc.slice(0, 8) };
}

function dumpFailureStatus(dump: ToolResult): 'error' | 'fail' {
  // Unreachable server or missing program: the check could not be made.
  return dump.missing || /could not connect|connection to server|Connection refused|timeout/i.test(dump.stderr) ? 'error' : 'fail';
}

export function toolReason(result: ToolResult, program: string): string {
  if (result.missing) return `${program} is not installed on the worker host`;
  if (result.aborted) return `${program} stopped: the check timed out`;
  return lastErrorLine(result.stderr);
}

async function sizeOf(p: string): Promise<number> {
  const info = await stat(p);
  if (!info.isDirectory()) return info.size;
  const { readdir } = await import('node:fs/promises');
  let total = 0;
  for (const entry of await readdir(p)) total += (await stat(path.join(p, entry))).size;
  return total;
}

/**
 * Restore a dump into a scratch database on the target's server, count what
 * came back (tables; rows of `countTable` when given), drop it.
 */
export async function restoreIntoScratch(
  ctx: CheckContext,
  file: string,
  jobs?: number,
  countTable?: string,
): Promise<{ ok: boolean; reason?: string; rows?: number | null; evidence: Record<string, unknown> }> {
  const scratch = `golive_scratch_${randomBytes(5).toString('hex')}`;
  const adminUrl = withDatabase(ctx.targetUrl, 'postgres');
  const scratchUrl = withDatabase(ctx.targetUrl, scratch);
  const evidence: Record<string, unknown> = { database: scratch };
  // No abort signal on the admin session: it must live to drop the scratch database even after a timeout.
  const admin = await openSession(adminUrl, { statementTimeoutMs: 60_000 }).catch((err: unknown) => err as Error);
  if (admin instanceof Error) return { ok: false, reason: describeDatabaseError(admin, adminUrl), evidence };
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(scratch)}`);
    const restore = await withToolConnection(scratchUrl, 'golive-backup-restore', (dbUrl) =>
      runTool('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', ...(jobs ? ['-j', String(jobs)] : []), `--dbname=${dbUrl}`, file], ctx.signal),
    );
    evidence.exit_code = restore.code;
    evidence.duration_ms = restore.durationMs;
    if (restore.code !== 0) return { ok: false, reason: toolReason(restore, 'pg_restore'), evidence };
    const check = await openSession(scratchUrl, { statementTimeoutMs: 60_000, signal: ctx.signal });
    try {
      const { rows } = await check.query<{ tables: string }>(
        `SELECT count(*) AS tables FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`,
      );
      evidence.tables_restored = Number(rows[0]!.tables);
      if (countTable) {
        // regclass prints a name the server has quoted itself: safe to put in the query.
        const found = await check.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [countTable]);
        const table = found.rows[0]?.t;
        const n = table ? (await check.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n : null;
        evidence.rows_restored = { table: countTable, rows: n === null ? null : Number(n) };
        return { ok: true, rows: n === null ? null : Number(n), evidence };
      }
    } finally {
      await check.end().catch(() => {});
    }
    return { ok: true, evidence };
  } catch (err) {
    return { ok: false, reason: describeDatabaseError(err, adminUrl), evidence };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(scratch)} WITH (FORCE)`).catch(() => {});
    await admin.end().catch(() => {});
  }
}
