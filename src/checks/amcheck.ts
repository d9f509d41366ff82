import type pg from 'pg';
import { indexesOf, installedExtensions, leafRelations, resolveTable, type IndexInfo, type TableRef } from './catalog.js';
import { inSavepoint, errorOutcome, listShort, plural, readOnly, sqlState, targetOf } from './read-only.js';
import { describeDatabaseError } from './pg-errors.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * Corruption check with the amcheck extension, safe on a live database:
 * bt_index_check (AccessShareLock, like a SELECT) on every B-tree index of
 * the tables (of their partitions, for a partitioned table, whose own
 * indexes have no storage), and verify_heapam on the tables' heaps. Never
 * bt_index_parent_check: its ShareLock blocks writes.
 *
 * amcheck verifies B-tree indexes only (GiST from PostgreSQL 18); the GiST
 * and BRIN indexes are listed as not covered, and index_health checks that
 * they are valid.
 */

/** index_corrupted, data_corrupted: what amcheck raises when it finds damage. */
const CORRUPTION_STATES = new Set(['XX002', 'XX001']);
/** verify_heapam rows kept per relation in the evidence. */
const HEAP_PROBLEMS_SHOWN = 10;

type IndexResult =
  | { index: string; table: string; bytes: number; ms: number; result: 'ok' }
  | { index: string; table: string; bytes: number; ms: number; result: 'corrupt' | 'error'; detail: string }
  | { index: string; table: string; method: string; result: 'not checked'; detail: string };

interface HeapResult {
  relation: string;
  ms: number;
  result: 'ok' | 'corrupt' | 'error';
  problems?: Array<{ block: number | null; offset: number | null; attribute: number | null; message: string }>;
  detail?: string;
}

export const amcheckCheck = defineCheck({
  type: 'amcheck',
  defaultTimeoutMs: 30 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = targetOf(ctx);
    const empty = { corrupt: null, relations_checked: null };
    const evidence: Record<string, unknown> = {
      tables: params.tables,
      function: params.heapallindexed ? 'bt_index_check(index, heapallindexed => true)' : 'bt_index_check(index)',
      heap: params.heap ? 'verify_heapam(table, check_toast => true)' : 'not checked (heap: false)',
      lock: 'AccessShareLock (reads and writes go on)',
    };
    if (params.parent_check) {
      return {
        status: 'error',
        observed: empty,
        evidence,
        message: 'parent_check is refused: bt_index_parent_check takes a ShareLock that blocks writes; golive runs bt_index_check only (drop parent_check from the plan)',
      };
    }

    let outcome: { missing: string[]; notCovered: string[]; indexes: IndexResult[]; heaps: HeapResult[]; noStorage: string[] } | string;
    try {
      outcome = await readOnly(ctx, target, async (client) => {
        const ext = await installedExtensions(client, ['amcheck']);
        const version = ext.get('amcheck');
        if (!version) return 'the amcheck extension is not installed in this database: a superuser runs CREATE EXTENSION amcheck once';
        evidence.amcheck_version = version;
        const heapSupported = Number(version.split('.')[1] ?? 0) >= 3 || Number(version.split('.')[0]) > 1;
        if (params.heap && !heapSupported) evidence.heap = `not checked: amcheck ${version} has no verify_heapam (1.3+)`;
        const missing: string[] = [];
        const noStorage: string[] = [];
        const relations: TableRef[] = [];
        for (const name of params.tables) {
          const table = await resolveTable(client, name);
          if (!table) {
            missing.push(name);
            continue;
          }
          if (table.kind === 'partitioned table' && !params.include_partitions) {
            noStorage.push(table.display);
            continue;
          }
          relations.push(...(await leafRelations(client, table)));
        }
        const heaps = params.heap && heapSupported ? await checkHeaps(client, relations.filter((r) => r.kind === 'table' || r.kind === 'materialized view')) : [];
        const all = await indexesOf(client, relations.map((r) => r.oid));
        const indexes: IndexResult[] = [];
        const notCovered: string[] = [];
        for (const index of all) {
          if (index.method !== 'btree') {
            notCovered.push(`${index.display} (${index.method})`);
            continue;
          }
          indexes.push(await checkIndex(client, index, params.heapallindexed));
        }
        return { missing, notCovered, indexes, heaps, noStorage };
      });
    } catch (err) {
      return errorOutcome(target, err, 'amcheck', empty, evidence);
    }
    if (typeof outcome === 'string') return { status: 'error', observed: empty, evidence, message: outcome };

    const { missing, notCovered, indexes, heaps, noStorage } = outcome;
    evidence.indexes = indexes;
    evidence.heaps = heaps;
    if (notCovered.length) evidence.not_covered = { indexes: notCovered, why: 'amcheck verifies B-tree indexes only; index_health checks these are valid' };
    if (noStorage.length) evidence.not_checked_partitioned = noStorage;
    if (missing.length) evidence.missing_tables = missing;

    const corruptIndexes = indexes.filter((i) => i.result === 'corrupt');
    const corruptHeaps = heaps.filter((h) => h.result === 'corrupt');
    const unchecked = indexes.filter((i) => i.result === 'not checked');
    const failed = [...indexes.filter((i) => i.result === 'error'), ...heaps.filter((h) => h.result === 'error')];
    const checked = indexes.filter((i) => i.result === 'ok' || i.result === 'corrupt').length + heaps.filter((h) => h.result !== 'error').length;
    const observed = { corrupt: corruptIndexes.length + corruptHeaps.length, relations_checked: checked };
    const slowest = indexes.reduce<{ index: string; ms: number } | undefined>((s, i) => ('ms' in i && (!s || i.ms > s.ms) ? { index: i.index, ms: i.ms } : s), undefined);

    if (observed.corrupt > 0) {
      const named = [...corruptIndexes.map((i) => `${i.index}: ${'detail' in i ? i.detail : ''}`), ...corruptHeaps.map((h) => `${h.relation}: ${h.problems?.[0]?.message ?? ''}`)];
      return { status: 'fail', observed, evidence, message: `corruption found in ${plural(observed.corrupt, 'relation')}: ${listShort(named, 2)}` };
    }
    if (missing.length) return { status: 'fail', observed, evidence, message: `not found in ${ctx.environment}: ${missing.join(', ')}` };
    if (unchecked.length) {
      return {
        status: 'fail',
        observed,
        evidence,
        message: `${plural(unchecked.length, 'index', 'indexes')} could not be verified: ${listShort(unchecked.map((i) => `${i.index} (${'detail' in i ? i.detail : ''})`), 2)}`,
      };
    }
    if (failed.length) {
      const first = failed[0]!;
      return { status: 'error', observed, evidence, message: `amcheck could not check ${'index' in first ? first.index : first.relation}: ${'detail' in first ? first.detail : ''}` };
    }
    const heapText = heaps.length ? ` and ${plural(heaps.length, 'heap')}` : '';
    const slowText = slowest ? `; slowest ${slowest.index} ${slowest.ms} ms` : '';
    return {
      status: 'pass',
      observed,
      evidence,
      message: `no corruption: ${plural(indexes.length, 'B-tree index', 'B-tree indexes')}${heapText} verified${slowText}`,
    };
  },
});

async function checkIndex(client: pg.ClientBase, index: IndexInfo, heapallindexed: boolean): Promise<IndexResult> {
  if (!index.valid || !index.ready) {
    const why = [index.valid ? '' : 'invalid', index.ready ? '' : 'not ready'].filter(Boolean).join(' and ');
    return { index: index.display, table: index.table, method: index.method, result: 'not checked', detail: `${why}: an interrupted CREATE INDEX CONCURRENTLY or REINDEX leaves this; rebuild or drop it` };
  }
  const started = performance.now();
  const run = await inSavepoint(client, () => client.query('SELECT bt_index_check($1::regclass, $2)', [index.oid, heapallindexed]));
  const ms = Math.round(performance.now() - started);
  if (run.ok) return { index: index.display, table: index.table, bytes: index.bytes, ms, result: 'ok' };
  const state = sqlState(run.error);
  // A timeout ends the whole check: the budget is spent.
  if (state === '57014') throw run.error;
  const detail = describeDatabaseError(run.error, '');
  return { index: index.display, table: index.table, bytes: index.bytes, ms, result: state && CORRUPTION_STATES.has(state) ? 'corrupt' : 'error', detail };
}

async function checkHeaps(client: pg.ClientBase, relations: TableRef[]): Promise<HeapResult[]> {
  const results: HeapResult[] = [];
  for (const relation of relations) {
    const started = performance.now();
    const run = await inSavepoint(client, () =>
      client.query<{ blkno: string | null; offnum: number | null; attnum: number | null; msg: string }>(
        `SELECT blkno::text, offnum, attnum, msg FROM verify_heapam($1::regclass, on_error_stop => false, check_toast => true, skip => 'none')`,
        [relation.oid],
      ),
    );
    const ms = Math.round(performance.now() - started);
    if (!run.ok) {
      if (sqlState(run.error) === '57014') throw run.error;
      results.push({ relation: relation.display, ms, result: 'error', detail: describeDatabaseError(run.error, '') });
      continue;
    }
    const rows = run.value.rows;
    results.push({
      relation: relation.display,
      ms,
      result: rows.length ? 'corrupt' : 'ok',
      ...(rows.length
        ? {
            problems: rows.slice(0, HEAP_PROBLEMS_SHOWN).map((r) => ({ block: r.blkno === null ? null : Number(r.blkno), offset: r.offnum, attribute: r.attnum, message: r.msg })),
            detail: `${plural(rows.length, 'problem')} found`,
          }
        : {}),
    });
  }
  return results;
}

