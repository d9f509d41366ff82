import { statfs } from 'node:fs/promises';
import type { CheckParams } from '../plan/check-types.js';
import { formatBytes } from '../plan/units.js';
import { freeSpaceFromPrometheus } from './disk-free-prometheus.js';
import { describeDatabaseError } from './pg-errors.js';
import { withReadOnlySession } from './pg-session.js';
import { defineCheck, type CheckContext, type RawOutcome } from './types.js';

/**
 * A DBA's blocker before DDL that copies a table: is there room for the copy
 * and the WAL it writes? The table's total size (heap, TOAST, indexes, all
 * partitions) times `factor` against the free space of the data volume:
 * statfs on the worker host when it sees the data directory (a local
 * database, or a mounted `path`), node_exporter through Prometheus when the
 * database runs elsewhere (`source: prometheus`). Passes when the room left
 * after the copy is positive.
 */
export const diskHeadroomCheck = defineCheck({
  type: 'disk_headroom',
  defaultTimeoutMs: 30_000,
  async run(params, ctx): Promise<RawOutcome> {
    let tableBytes: number;
    let dataDirectory: string;
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
      dataDirectory = found.dir;
    } catch (err) {
      const reason = describeDatabaseError(err, ctx.targetUrl);
      return { status: 'error', observed: {}, evidence: { error: reason }, message: `cannot measure ${params.table} on ${ctx.environment}: ${reason}` };
    }
    const space = await freeSpace(params, dataDirectory, ctx);
    if ('outcome' in space) return { ...space.outcome, observed: { ...space.outcome.observed, table_bytes: tableBytes } };

    const { free, where } = space;
    const needed = Math.round(tableBytes * params.factor);
    const headroom = free - needed;
    const observed = { free_bytes: free, needed_bytes: needed, table_bytes: tableBytes, headroom_bytes: headroom, ratio: needed > 0 ? Math.round((free / needed) * 100) / 100 : null };
    const evidence = { table: params.table, factor: params.factor, ...space.evidence, free: formatBytes(free), needed: formatBytes(needed), table_size: formatBytes(tableBytes) };
    const text = `${formatBytes(free)} free at ${where}, ${formatBytes(needed)} needed (${params.table} ${formatBytes(tableBytes)} × ${params.factor} for the copy and its WAL)`;
    return headroom > 0
      ? { status: 'pass', observed, evidence, message: `${text}: ${formatBytes(headroom)} to spare` }
      : { status: 'fail', observed, evidence, message: `${text}: ${formatBytes(-headroom)} short` };
  },
});

type Space = { free: number; where: string; evidence: Record<string, unknown> } | { outcome: RawOutcome };

async function freeSpace(params: CheckParams<'disk_headroom'>, dataDirectory: string, ctx: CheckContext): Promise<Space> {
  if (params.source === 'prometheus') {
    const space = await freeSpaceFromPrometheus({ location: params.location, path: params.path, mountpoint: params.mountpoint }, ctx);
    if (!space.ok) return { outcome: space.outcome };
    return { free: space.freeBytes, where: `${space.mountpoint} (instance ${space.instance})`, evidence: space.evidence };
  }
  const dir = params.location === 'data_directory' ? dataDirectory : params.path!;
  const fsInfo = await statfs(dir).catch((err: NodeJS.ErrnoException) => err);
  if (fsInfo instanceof Error) {
    const reason =
      fsInfo.code === 'ENOENT' ? 'is not visible from the worker host (a remote database: use source: prometheus with the data volume’s mountpoint, or a mounted path)' : fsInfo.message;
    return { outcome: { status: 'error', observed: {}, evidence: { path: dir, error: reason }, message: `${dir} ${reason}` } };
  }
  return { free: fsInfo.bavail * fsInfo.bsize, where: dir, evidence: { source: 'local', path: dir } };
}
