import { statfs } from 'node:fs/promises';
import { diskFreeFromPrometheus } from './disk-free-prometheus.js';
import { formatBytes } from '../plan/units.js';
import { describeDatabaseError } from './pg-errors.js';
import { withReadOnlySession } from './pg-session.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * Free space of a file system, measured with statfs on the worker host: the
 * backup directory, or the database's data directory when the database runs
 * on the same host. The plan's expect judges the figure (> 3.5 GB).
 */
export const diskFreeCheck = defineCheck({
  type: 'disk_free',
  defaultTimeoutMs: 15_000,
  async run(params, ctx): Promise<RawOutcome> {
    if (params.source === 'prometheus') return diskFreeFromPrometheus(params, ctx);
    let dir = params.path;
    if (params.location === 'data_directory') {
      try {
        dir = await withReadOnlySession(ctx.targetUrl, { statementTimeoutMs: ctx.timeoutMs, signal: ctx.signal }, async (c) => {
          const { rows } = await c.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`);
          return rows[0]!.dir;
        });
      } catch (err) {
        const reason = describeDatabaseError(err, ctx.targetUrl);
        return { status: 'error', observed: {}, evidence: { location: 'data_directory', error: reason }, message: `cannot ask ${ctx.environment} for its data directory: ${reason}` };
      }
    }
    const fsInfo = await statfs(dir!).catch((err: NodeJS.ErrnoException) => err);
    if (fsInfo instanceof Error) {
      const reason = fsInfo.code === 'ENOENT' ? 'does not exist on the worker host' : fsInfo.message;
      return { status: 'error', observed: {}, evidence: { path: dir, error: reason }, message: `${dir} ${reason}` };
    }
    const free = fsInfo.bavail * fsInfo.bsize;
    const total = fsInfo.blocks * fsInfo.bsize;
    const freePct = total > 0 ? Math.round((free / total) * 10_000) / 100 : null;
    return {
      status: 'pass',
      observed: { free_bytes: free, total_bytes: total, free_pct: freePct },
      evidence: { path: dir, location: params.location, free: formatBytes(free), total: formatBytes(total), free_pct: freePct },
      message: `${formatBytes(free)} free of ${formatBytes(total)} at ${dir}`,
    };
  },
});
