import type pg from 'pg';
import { redactUrl } from '../redact.js';
import { resolveTable, type TableRef } from './catalog.js';
import { splitKeyOf, type SplitKey } from './content-hash.js';
import { DEFAULT_NARROW, describeNarrowed, keysProblem, narrowDifference, type Narrowed } from './narrow.js';
import { errorOutcome, readOnly, targetOf, type Target } from './read-only.js';
import { referenceEnvironment } from './reference.js';
import { defineCheck, type CheckContext, type RawOutcome } from './types.js';

/**
 * Exact row count of a table against a reference: the same table in another
 * environment, or another table here (the legacy copy left by the swap).
 * The plan's expect judges the figures (variance 0 %, difference 0); when
 * the counts differ, the evidence narrows the difference down to key ranges
 * and lists the keys present on one side only.
 */

/** Counting only: the row hash is a constant, so slices differ exactly when their counts do. */
const COUNT_ONLY = { columns: [], expression: '0::int8' };

interface Counted {
  table: TableRef | undefined;
  rows: number | null;
  ms: number;
  key?: SplitKey | { problem: string };
}

export const rowCountCompareCheck = defineCheck({
  type: 'row_count_compare',
  defaultTimeoutMs: 15 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const started = performance.now();
    const here = targetOf(ctx);
    const against = params.against;
    const empty = { rows: null, reference_rows: null, difference: null, variance_pct: null };
    const evidence: Record<string, unknown> = { table: params.table, environment: ctx.environment, against, expected_rows: params.expected_rows ?? null };

    if ('snapshot' in against) {
      return {
        status: 'skipped',
        observed: empty,
        evidence,
        message: `comparing with the stored snapshot of ${against.snapshot} is not available: compare with an environment or a table`,
      };
    }
    let there: Target;
    let referenceTable: string;
    let referenceLabel: string;
    // Sides are named by environment, or by table when both are here.
    const hereLabel = 'table' in against ? params.table : ctx.environment;
    if ('table' in against) {
      there = here;
      referenceTable = against.table;
      referenceLabel = against.table;
    } else {
      const resolved = referenceEnvironment(ctx, against.environment);
      if ('problem' in resolved) return { status: 'error', observed: empty, evidence, message: resolved.problem };
      there = resolved;
      referenceTable = params.table;
      referenceLabel = resolved.environment;
    }

    const settled = await Promise.allSettled([
      readOnly(ctx, here, (client) => countTable(client, params.table)),
      readOnly(ctx, there, (client) => countTable(client, referenceTable)),
    ]);
    if (settled[0].status === 'rejected') return errorOutcome(here, settled[0].reason, `counting ${params.table}`, empty, evidence);
    if (settled[1].status === 'rejected') return errorOutcome(there, settled[1].reason, `counting ${referenceTable}`, empty, evidence);
    const mine = settled[0].value;
    const theirs = settled[1].value;
    evidence.counts = {
      [hereLabel]: { table: mine.table?.display ?? params.table, rows: mine.rows, ms: mine.ms, database: redactUrl(here.url) },
      [referenceLabel]: { table: theirs.table?.display ?? referenceTable, rows: theirs.rows, ms: theirs.ms, database: redactUrl(there.url) },
    };
    if (!mine.table || !theirs.table) {
      const missing = !mine.table ? `${params.table} does not exist in ${ctx.environment}` : `${referenceTable} does not exist in ${there.environment}`;
      return { status: 'fail', observed: empty, evidence, message: missing };
    }

    const rows = mine.rows!;
    const referenceRows = theirs.rows!;
    const difference = rows - referenceRows;
    const variancePct = referenceRows === 0 ? (rows === 0 ? 0 : 100) : (Math.abs(difference) / referenceRows) * 100;
    const observed = { rows, reference_rows: referenceRows, difference, variance_pct: Math.round(variancePct * 10_000) / 10_000 };
    const scale = params.expected_rows !== undefined ? ` (the plan's figure: ${params.expected_rows.toLocaleString('en')})` : '';

    if (difference === 0) {
      return { status: 'pass', observed, evidence, message: `${rows.toLocaleString('en')} rows = ${referenceLabel} (0% variance)${scale}` };
    }
    let where = '';
    const why = keysProblem(mine.key, theirs.key);
    if (why) evidence.narrowing_skipped = why;
    else {
      try {
        const narrowed = await narrow(ctx, here, there, mine, theirs, started + ctx.timeoutMs * 0.85);
        evidence.narrowed = narrowed;
        where = describeNarrowed(narrowed, hereLabel, referenceLabel);
      } catch (err) {
        evidence.narrowing_skipped = errorOutcome(here, err, 'narrowing the difference', {}).message;
      }
    }
    const sign = difference > 0 ? '+' : '';
    return {
      status: 'pass',
      observed,
      evidence,
      message: `${rows.toLocaleString('en')} rows vs ${referenceRows.toLocaleString('en')} in ${referenceLabel} (${sign}${difference.toLocaleString('en')}, ${observed.variance_pct}% variance)${where ? `: ${where}` : ''}`,
    };
  },
});

async function countTable(client: pg.Client, name: string): Promise<Counted> {
  const table = await resolveTable(client, name);
  if (!table) return { table, rows: null, ms: 0 };
  const started = performance.now();
  const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table.sql}`);
  const ms = Math.round(performance.now() - started);
  return { table, rows: Number(rows[0]!.n), ms, key: await splitKeyOf(client, table) };
}

async function narrow(ctx: CheckContext, here: Target, there: Target, a: Counted, b: Counted, deadline: number): Promise<Narrowed> {
  return readOnly(ctx, here, (clientA) =>
    readOnly(ctx, there, (clientB) =>
      narrowDifference(
        { client: clientA, label: here.environment, table: a.table!, hash: COUNT_ONLY, key: a.key as SplitKey },
        { client: clientB, label: there.environment, table: b.table!, hash: COUNT_ONLY, key: b.key as SplitKey },
        { ...DEFAULT_NARROW, deadline },
      ),
    ),
  );
}
