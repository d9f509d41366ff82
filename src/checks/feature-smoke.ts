import type { ObservedScalar } from '../plan/expect.js';
import { redactUrl } from '../redact.js';
import { describeDatabaseError } from './pg-errors.js';
import { elapsedMs, oneStatement, openSession } from './pg-session.js';
import { toScalar } from './sql.js';
import { defineCheck, type CheckContext, type RawOutcome } from './types.js';

/** Rows kept in the evidence of each side (the comparison itself uses all of them). */
const ROWS_KEPT = 20;

interface Answer {
  columns: string[];
  rows: ObservedScalar[][];
  ms: number;
}

/**
 * An application feature exercised by the query the application runs for it
 * (spatial search, map tiles, distances …): the query must run, return at
 * least `min_rows`, and, with `compare`, give the same answer on the
 * reference environment (zero regressions: the migration must not change a
 * result). Rows are compared as a set, so a plan without ORDER BY is not a
 * false regression. The time it took is a figure the plan may judge
 * (`metric: ms`), like `value`, the first column of the first row.
 */
export const featureSmokeCheck = defineCheck({
  type: 'feature_smoke',
  defaultTimeoutMs: 120_000,
  async run(params, ctx): Promise<RawOutcome> {
    const evidence: Record<string, unknown> = { feature: params.feature, target: redactUrl(ctx.targetUrl), query: params.query, min_rows: params.min_rows };
    let mine: Answer;
    try {
      mine = await ask(ctx.targetUrl, params.query, ctx);
    } catch (err) {
      const reason = describeDatabaseError(err, ctx.targetUrl);
      return { status: 'error', observed: {}, evidence: { ...evidence, error: reason }, message: `${params.feature} does not work on ${ctx.environment}: ${reason}` };
    }
    const value = mine.rows[0]?.[0] ?? null;
    const observed: Record<string, ObservedScalar> = { rows: mine.rows.length, ms: mine.ms, value };
    evidence.columns = mine.columns;
    evidence.rows = mine.rows.slice(0, ROWS_KEPT);
    evidence.row_count = mine.rows.length;
    evidence.ms = mine.ms;
    const said = `${params.feature} on ${ctx.environment}: ${mine.rows.length} row${mine.rows.length === 1 ? '' : 's'} in ${mine.ms} ms`;
    if (mine.rows.length < params.min_rows) {
      return { status: 'fail', observed, evidence, message: `${said}, fewer than the ${params.min_rows} it must return` };
    }
    if (!params.compare) return { status: 'pass', observed, evidence, message: `${said}${describeFirst(mine)}` };

    const reference = params.compare.environment;
    const referenceUrl = ctx.environmentUrl?.(reference);
    if (!referenceUrl) return { status: 'error', observed, evidence, message: `the plan has no environment ${reference} to compare ${params.feature} with` };
    let theirs: Answer;
    try {
      theirs = await ask(referenceUrl, params.query, ctx);
    } catch (err) {
      const reason = describeDatabaseError(err, referenceUrl);
      return { status: 'error', observed, evidence: { ...evidence, compare: { environment: reference, error: reason } }, message: `${said}; cannot run it on ${reference} to compare: ${reason}` };
    }
    const diff = difference(mine, theirs);
    observed.matches = diff === undefined;
    evidence.compare = { environment: reference, target: redactUrl(referenceUrl), row_count: theirs.rows.length, rows: theirs.rows.slice(0, ROWS_KEPT), ms: theirs.ms, difference: diff ?? null };
    return diff === undefined
      ? { status: 'pass', observed, evidence, message: `${said}, the same answer as on ${reference}${describeFirst(mine)}` }
      : { status: 'fail', observed, evidence, message: `${said}: a different answer than on ${reference} (${diff})` };
  },
});

/** The query in a READ ONLY transaction of its own session, as one statement. */
async function ask(url: string, query: string, ctx: Pick<CheckContext, 'timeoutMs' | 'signal'>): Promise<Answer> {
  const client = await openSession(url, { statementTimeoutMs: ctx.timeoutMs, signal: ctx.signal });
  try {
    await client.query('BEGIN READ ONLY');
    const started = performance.now();
    const result = await oneStatement(client, query);
    const ms = elapsedMs(started);
    await client.query('ROLLBACK');
    const types = result.fields.map((f) => f.dataTypeID);
    return { columns: result.fields.map((f) => f.name), rows: (result.rows as unknown[][]).map((row) => row.map((v, i) => toScalar(v, types[i]))), ms };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Why two answers differ, in words; undefined when they are the same set of rows. */
export function difference(mine: Pick<Answer, 'columns' | 'rows'>, theirs: Pick<Answer, 'columns' | 'rows'>): string | undefined {
  if (mine.columns.join(',') !== theirs.columns.join(',')) return `columns ${mine.columns.join(', ')} against ${theirs.columns.join(', ')}`;
  const key = (row: ObservedScalar[]) => JSON.stringify(row);
  const count = (rows: ObservedScalar[][]) => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
    return m;
  };
  const a = count(mine.rows);
  const b = count(theirs.rows);
  const onlyMine = [...a].filter(([k, n]) => (b.get(k) ?? 0) < n).map(([k]) => k);
  const onlyTheirs = [...b].filter(([k, n]) => (a.get(k) ?? 0) < n).map(([k]) => k);
  if (onlyMine.length === 0 && onlyTheirs.length === 0) return undefined;
  const parts = [`${mine.rows.length} rows against ${theirs.rows.length}`];
  if (onlyMine[0]) parts.push(`here only ${onlyMine[0]}${onlyMine.length > 1 ? ` and ${onlyMine.length - 1} more` : ''}`);
  if (onlyTheirs[0]) parts.push(`there only ${onlyTheirs[0]}${onlyTheirs.length > 1 ? ` and ${onlyTheirs.length - 1} more` : ''}`);
  return parts.join('; ');
}

function describeFirst(answer: Answer): string {
  const first = answer.rows[0];
  if (!first || answer.rows.length > 1) return '';
  return ` (${answer.columns.map((c, i) => `${c} = ${JSON.stringify(first[i])}`).join(', ')})`;
}
