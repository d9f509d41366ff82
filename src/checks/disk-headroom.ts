import { statfs } from 'node:fs/promises';
import { formatBytes } from '../plan/units.js';
import { describeDatabaseError } from './pg-errors.js';
import { withReadOnlySession } from './pg-session.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * A DBA's blocker before DDL that copies a table: is there room for the copy
 * and the WAL it writes? The table's total size (heap, TOAST, indexes, all
 * partitions) times `factor` against the free space of the data directory
 * (statfs on the worker host, which must see it: a local database, or a
 * mounted `path`). Passes when the room left after the copy is positive.
 */
export const diskHeadroomCheck = defineCheck({
  type: 'disk_headroom',
  defaultTimeoutMs: 30_000,
  async run(params, ctx): Promise<RawOutcome> {
    let tableBytes: number;
    let dir = params.path;
    try {
      const found = await withReadOnlySession(ctx.targetUrl, { statementTimeoutMs: ctx.timeoutMs, signal: ctx.signal }, async (c) => {
        const { rows } = await c.query<{ bytes: string | null; dir: string }>(
          // pg_partition_tree lists a partitioned table's whole tree and nothing for a plain table.
          `SELECT CASE WHEN to_regclass($1) IS NOT NULL THEN coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree(to_regclass($1))), pg_total_relation_size(to_regclass($1)))::text END AS bytes,
                  current_setting('data_directory') AS dir`,
          [params.table],
        );
        return rows[0]!;
      });
      if (found.bytes === null) return { status: 'error', observed: {}, evidence: { table: params.table }, message: `${params.table} does not exist on ${ctx.environment}` };
      tableBytes = Number(found.bytes);
      if (params.location === 'data_directory') dir = found.dir;
    } catch (err) {
      const reason = describeDatabaseError(err, ctx.targetUrl);
      return { status: 'error', observed: {}, evidence: { error: reason }, message: `cannot measure ${params.table} on ${ctx.environment}: ${reason}` };
    }
    const fsInfo = await statfs(dir!).catch((err: NodeJS.ErrnoException) => err);
    if (fsInfo instanceof Error) {
      const reason = fsInfo.code === 'ENOENT' ? 'is not visible from the worker host (a remote database: give a mounted path, or use disk_free from Prometheus)' : fsInfo.message;
      return { status: 'error', observed: { table_bytes: tableBytes }, evidence: { path: dir, error: reason }, message: `${dir} ${reason}` };
    }
    const free = fsInfo.bavail * fsInfo.bsize;
    const needed = Math.round(tableBytes * params.factor);
    const headroom = free - needed;
    const observed = { free_bytes: free, needed_bytes: needed, table_bytes: tableBytes, headroom_bytes: headroom, ratio: needed > 0 ? Math.round((free / needed) * 100) / 100 : null };
    const evidence = { table: params.table, factor: params.factor, path: dir, free: formatBytes(free), needed: formatBytes(needed), table_size: formatBytes(tableBytes) };
    const text = `${formatBytes(free)} free at ${dir}, ${formatBytes(needed)} needed (${params.table} ${formatBytes(tableBytes)} × ${params.factor} for the copy and its WAL)`;
    return headroom > 0
      ? { status: 'pass', observed, evidence, message: `${text}: ${formatBytes(headroom)} to spare` }
      : { status: 'fail', observed, evidence, message: `${text}: ${formatBytes(-headroom)} short` };
  },
});
