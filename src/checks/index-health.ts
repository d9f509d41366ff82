import type pg from 'pg';
import { indexesOf, installedExtensions, relationTree, resolveTable, type IndexInfo, type TableRef } from './catalog.js';
import { errorOutcome, inSavepoint, listShort, plural, readOnly, sqlState, targetOf } from './read-only.js';
import { describeDatabaseError } from './pg-errors.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * Health of the indexes of a table (and of its partitions) that match the
 * check's methods / columns / names:
 * - present: at least min_count of them declared on the table;
 * - valid and ready (pg_index.indisvalid / indisready): an interrupted
 *   CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY leaves an index that
 *   is maintained on writes but never used by the planner;
 * - optionally amcheck-clean (bt_index_check on the B-tree ones);
 * - optionally their fragmentation, from pgstattuple when it is installed.
 *   The figure is B-tree leaf fragmentation (pgstatindex: share of leaf pages
 *   out of logical order). GiST has no leaf order: its free and dead space
 *   (pgstattuple) is shown but not counted; BRIN has neither.
 * - optionally how many were never scanned since the statistics were reset.
 */

interface IndexRow {
  index: string;
  table: string;
  method: string;
  columns: string[];
  level: 'table' | 'partition';
  valid: boolean;
  ready: boolean;
  bytes: number;
  amcheck?: 'ok' | 'corrupt' | string;
  fragmentation?: Record<string, number | string | null>;
  idx_scan?: number | null;
}

interface Measured {
  table: TableRef;
  declared: IndexInfo[];
  rows: IndexRow[];
  notes: Record<string, string>;
  fragmentationSkipped?: string;
  corrupt: number | null;
  maxFragmentation: number | null;
  unused: number | null;
}

export const indexHealthCheck = defineCheck({
  type: 'index_health',
  defaultTimeoutMs: 15 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = targetOf(ctx);
    const empty = { count: null, invalid: null, not_ready: null, corrupt: null, max_fragmentation_pct: null, unused: null };
    const selection = describeSelection(params);
    const label = (noun: string) => (selection ? `${selection} ${noun}` : noun);
    const evidence: Record<string, unknown> = { table: params.table, selection: selection || 'every index', purpose: params.purpose ?? null };
    let measured: Measured | string;
    try {
      measured = await readOnly(ctx, target, async (client) => {
        const table = await resolveTable(client, params.table);
        if (!table) return `${params.table} does not exist in ${ctx.environment}`;
        return measure(client, table, params);
      });
    } catch (err) {
      return errorOutcome(target, err, `checking the indexes of ${params.table}`, empty, evidence);
    }
    if (typeof measured === 'string') return { status: 'fail', observed: { ...empty, count: 0 }, evidence, message: measured };

    const { table, declared, rows, notes, corrupt, maxFragmentation, unused } = measured;
    const invalid = rows.filter((r) => !r.valid);
    const notReady = rows.filter((r) => !r.ready);
    const observed = {
      count: declared.length,
      invalid: invalid.length,
      not_ready: notReady.length,
      corrupt,
      max_fragmentation_pct: maxFragmentation,
      unused,
    };
    Object.assign(evidence, { table: table.display, kind: table.kind, indexes: rows, ...notes });
    if (measured.fragmentationSkipped) evidence.fragmentation = `skipped: ${measured.fragmentationSkipped}`;

    const problems: string[] = [];
    if (declared.length < params.min_count) {
      problems.push(`expected at least ${plural(params.min_count, label('index'), label('indexes'))} on ${table.display}, found ${declared.length}`);
    }
    if (invalid.length) problems.push(`${plural(invalid.length, 'invalid index', 'invalid indexes')}: ${listShort(invalid.map((r) => r.index), 2)} (rebuild with REINDEX INDEX CONCURRENTLY, or drop and create again)`);
    if (notReady.length) problems.push(`${plural(notReady.length, 'index', 'indexes')} not ready: ${listShort(notReady.map((r) => r.index), 2)}`);
    if (corrupt) problems.push(`amcheck found ${plural(corrupt, 'corrupt index', 'corrupt indexes')}: ${listShort(rows.filter((r) => r.amcheck === 'corrupt').map((r) => r.index), 2)}`);
    if (problems.length) return { status: 'fail', observed, evidence, message: problems.join('; ') };
    // Could not look (permissions, a lock): the figures are incomplete, so no verdict.
    const unchecked = rows.filter((r) => r.amcheck?.startsWith('not checked'));
    if (unchecked.length) return { status: 'error', observed, evidence, message: `amcheck could not check ${unchecked[0]!.index}: ${unchecked[0]!.amcheck!.replace(/^not checked: /, '')}` };
    const unmeasured = rows.filter((r) => typeof r.fragmentation?.error === 'string');
    if (unmeasured.length) return { status: 'error', observed, evidence, message: `pgstattuple could not measure ${unmeasured[0]!.index}: ${String(unmeasured[0]!.fragmentation!.error)}` };

    const partitionLevel = rows.filter((r) => r.level === 'partition').length;
    const partText = partitionLevel ? ` (and ${plural(partitionLevel, 'partition index', 'partition indexes')})` : '';
    const fragText = maxFragmentation !== null ? `, B-tree leaf fragmentation at most ${maxFragmentation}%` : '';
    const unusedText = unused !== null ? `, ${unused} never scanned` : '';
    const checkedText = corrupt !== null ? `, amcheck clean on ${plural(rows.filter((r) => r.amcheck === 'ok').length, 'B-tree index', 'B-tree indexes')}` : '';
    const base = `${plural(declared.length, label('index'), label('indexes'))} on ${table.display}${partText} valid and ready${checkedText}${fragText}${unusedText}`;
    if (measured.fragmentationSkipped) return { status: 'skipped', observed, evidence, message: `${base}; fragmentation not measured: ${measured.fragmentationSkipped}` };
    return { status: 'pass', observed, evidence, message: base };
  },
});

type Params = {
  methods?: string[] | undefined;
  columns?: string[] | undefined;
  indexes?: string[] | undefined;
  include_partitions: boolean;
  amcheck: boolean;
  fragmentation: boolean;
  usage_since?: 'monitoring_start' | 'stats_reset' | undefined;
};

function describeSelection(params: Params): string {
  const parts: string[] = [];
  if (params.methods?.length) parts.push(params.methods.map((m) => (m === 'gist' ? 'GiST' : m === 'brin' ? 'BRIN' : m === 'btree' ? 'B-tree' : m.toUpperCase())).join('/'));
  if (params.indexes?.length) parts.push(`named (${params.indexes.join(', ')})`);
  if (params.columns?.length) parts.push(`on (${params.columns.join(', ')})`);
  return parts.join(' ');
}

/** An index matches when its method, leading columns and name fit every filter given. */
function matches(index: IndexInfo, params: Params, byName: boolean): boolean {
  if (params.methods?.length && !params.methods.includes(index.method)) return false;
  if (params.columns?.length && !params.columns.every((c, i) => index.columns[i] === c)) return false;
  if (byName && params.indexes?.length && !params.indexes.some((n) => n === index.name || n === index.display)) return false;
  return true;
}

async function measure(client: pg.ClientBase, table: TableRef, params: Params): Promise<Measured> {
  const tree = params.include_partitions ? await relationTree(client, table) : [table];
  const all = await indexesOf(client, tree.map((t) => t.oid));
  const declared = all.filter((i) => i.tableOid === table.oid && matches(i, params, true));
  // Partition indexes: those attached (at any depth) to a selected index, and, when no names are given, any that fit the filters.
  const selected = new Set(declared.map((i) => i.display));
  const byDisplay = new Map(all.map((i) => [i.display, i]));
  const attachedToSelected = (i: IndexInfo): boolean => {
    for (let p = i.parent; p; p = byDisplay.get(p)?.parent ?? null) if (selected.has(p)) return true;
    return false;
  };
  const partitionLevel = all.filter((i) => i.tableOid !== table.oid && (attachedToSelected(i) || (!params.indexes?.length && matches(i, params, false))));
  const chosen = [...declared, ...partitionLevel];
  const rows: IndexRow[] = chosen.map((i) => ({
    index: i.display,
    table: i.table,
    method: i.method,
    columns: i.columns,
    level: i.tableOid === table.oid ? 'table' : 'partition',
    valid: i.valid,
    ready: i.ready,
    bytes: i.bytes,
  }));
  const notes: Record<string, string> = {};
  const withStorage = (i: IndexInfo) => !i.partitioned && i.valid && i.ready;

  let corrupt: number | null = null;
  const extensions = await installedExtensions(client, ['amcheck', 'pgstattuple']);
  if (params.amcheck) {
    if (!extensions.has('amcheck')) notes.amcheck = 'not run: the amcheck extension is not installed';
    else {
      corrupt = 0;
      for (const [n, i] of chosen.entries()) {
        if (i.method !== 'btree' || !withStorage(i)) continue;
        const run = await inSavepoint(client, () => client.query('SELECT bt_index_check($1::regclass, false)', [i.oid]));
        if (run.ok) rows[n]!.amcheck = 'ok';
        else if (sqlState(run.error) === '57014') throw run.error;
        else if (sqlState(run.error) === 'XX002' || sqlState(run.error) === 'XX001') {
          rows[n]!.amcheck = 'corrupt';
          corrupt++;
        } else rows[n]!.amcheck = `not checked: ${describeDatabaseError(run.error, '')}`;
      }
      notes.amcheck = 'bt_index_check on the B-tree indexes with storage (GiST/BRIN are not covered by amcheck here)';
    }
  }

  let maxFragmentation: number | null = null;
  let fragmentationSkipped: string | undefined;
  if (params.fragmentation) {
    if (!extensions.has('pgstattuple')) {
      fragmentationSkipped = 'the pgstattuple extension is not installed in this database (a superuser runs CREATE EXTENSION pgstattuple)';
    } else {
      for (const [n, i] of chosen.entries()) {
        if (!withStorage(i)) continue;
        rows[n]!.fragmentation = await fragmentationOf(client, i);
        const leaf = rows[n]!.fragmentation?.leaf_fragmentation_pct;
        if (typeof leaf === 'number') maxFragmentation = Math.max(maxFragmentation ?? 0, leaf);
      }
      notes.fragmentation_figure =
        'B-tree: pgstatindex leaf_fragmentation (leaf pages out of logical order), counted in max_fragmentation_pct; GiST: pgstattuple free and dead space, shown only (no leaf order); BRIN: not applicable';
      if (maxFragmentation === null) notes.fragmentation_note = 'no B-tree index with storage among these: max_fragmentation_pct does not apply';
    }
  }

  let unused: number | null = null;
  if (params.usage_since === 'stats_reset') {
    const { rows: stats } = await client.query<{ oid: string; idx_scan: string | null }>(
      'SELECT indexrelid::int8::text AS oid, idx_scan::text FROM pg_stat_all_indexes WHERE indexrelid = ANY($1::oid[])',
      [chosen.map((i) => i.oid)],
    );
    const scans = new Map(stats.map((s) => [Number(s.oid), s.idx_scan === null ? null : Number(s.idx_scan)]));
    for (const [n, i] of chosen.entries()) rows[n]!.idx_scan = scans.get(i.oid) ?? null;
    // A partitioned index has no statistics of its own: it is used when any of its partitions' indexes is.
    const used = (i: IndexInfo): boolean =>
      i.partitioned ? chosen.some((c) => c.parent === i.display && used(c)) : (scans.get(i.oid) ?? 0) > 0;
    unused = declared.filter((i) => !used(i)).length;
    const reset = await client.query<{ at: string | null }>('SELECT stats_reset::text AS at FROM pg_stat_database WHERE datname = current_database()');
    notes.usage = `idx_scan since the statistics were last reset (${reset.rows[0]?.at ?? 'never reset: since the cluster started'})`;
  } else if (params.usage_since === 'monitoring_start') {
    notes.usage = 'not measured: PostgreSQL 15 keeps no time of last scan, and no idx_scan snapshot from the monitoring start is stored';
  }

  return { table, declared, rows, notes, corrupt, maxFragmentation, unused, ...(fragmentationSkipped ? { fragmentationSkipped } : {}) };
}

async function fragmentationOf(client: pg.ClientBase, index: IndexInfo): Promise<Record<string, number | string | null>> {
  if (index.method === 'btree') {
    const run = await inSavepoint(client, () =>
      client.query<{ leaf_fragmentation: number | null; avg_leaf_density: number | null; leaf_pages: string }>(
        'SELECT leaf_fragmentation, avg_leaf_density, leaf_pages::text FROM pgstatindex($1::regclass)',
        [index.oid],
      ),
    );
    if (!run.ok) return { error: describeDatabaseError(run.error, '') };
    const r = run.value.rows[0]!;
    // A one-page index has no order to lose: pgstatindex reports NaN there.
    const leaf = r.leaf_fragmentation === null || Number.isNaN(Number(r.leaf_fragmentation)) ? 0 : Number(r.leaf_fragmentation);
    return { leaf_fragmentation_pct: leaf, avg_leaf_density_pct: numberOrNull(r.avg_leaf_density), leaf_pages: Number(r.leaf_pages) };
  }
  if (index.method === 'gist' || index.method === 'hash') {
    const run = await inSavepoint(client, () =>
      client.query<{ free_percent: number; dead_tuple_percent: number }>('SELECT free_percent, dead_tuple_percent FROM pgstattuple($1::regclass)', [index.oid]),
    );
    if (!run.ok) return { error: describeDatabaseError(run.error, '') };
    const r = run.value.rows[0]!;
    return { free_pct: numberOrNull(r.free_percent), dead_pct: numberOrNull(r.dead_tuple_percent), figure: 'free and dead space (no leaf order in GiST)' };
  }
  return { figure: `not applicable to ${index.method}` };
}

function numberOrNull(v: unknown): number | null {
  const n = Number(v);
  return v === null || v === undefined || Number.isNaN(n) ? null : Math.round(n * 100) / 100;
}
