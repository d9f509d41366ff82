import { redactUrl } from '../redact.js';
import { describeDatabaseError } from './pg-errors.js';
import { elapsedMs, numericValue, oneStatement, openSession } from './pg-session.js';
import type { ObservedScalar } from '../plan/expect.js';
import { defineCheck, type RawOutcome } from './types.js';

// int2, int4, int8, float4, float8, numeric, oid
const NUMERIC_TYPES = new Set([21, 23, 20, 700, 701, 1700, 26]);

/**
 * A query whose single value (first column of the first row) the plan's
 * expect judges. Read-only unless the plan says otherwise: a read-only check
 * runs inside READ ONLY, so a mistaken UPDATE fails instead of writing.
 */
export const sqlCheck = defineCheck({
  type: 'sql',
  defaultTimeoutMs: 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const evidence: Record<string, unknown> = { target: redactUrl(ctx.targetUrl), query: params.query, read_only: params.readonly };
    let client;
    try {
      client = await openSession(ctx.targetUrl, { statementTimeoutMs: ctx.timeoutMs, signal: ctx.signal });
    } catch (err) {
      const reason = describeDatabaseError(err, ctx.targetUrl);
      return { status: 'error', observed: { value: null }, evidence: { ...evidence, error: reason }, message: `cannot connect to ${ctx.environment}: ${reason}` };
    }
    const started = performance.now();
    try {
      await client.query(params.readonly ? 'BEGIN READ ONLY' : 'BEGIN');
      const result = await oneStatement(client, params.query);
      await client.query(params.readonly ? 'ROLLBACK' : 'COMMIT');
      const ms = elapsedMs(started);
      const first = result.rows[0] as unknown[] | undefined;
      const field = result.fields[0];
      const raw = first?.[0];
      const value: ObservedScalar = raw === undefined ? null : toScalar(raw, field?.dataTypeID);
      evidence.rows = result.rowCount;
      evidence.column = field?.name ?? null;
      evidence.value = value;
      evidence.ms = ms;
      if (first === undefined) return { status: 'pass', observed: { value: null }, evidence, message: 'the query returned no row' };
      return { status: 'pass', observed: { value }, evidence, message: `${field?.name ?? 'value'} = ${JSON.stringify(value)}` };
    } catch (err) {
      const reason = describeDatabaseError(err, ctx.targetUrl);
      return { status: 'error', observed: { value: null }, evidence: { ...evidence, error: reason }, message: `the query failed: ${reason}` };
    } finally {
      await client.end().catch(() => {});
    }
  },
});

/** A value as a check observes it: numbers as numbers (numeric and int8 included), dates as ISO text. */
export function toScalar(raw: unknown, typeId: number | undefined): ObservedScalar {
  if (raw === null) return null;
  if (typeof raw === 'boolean' || typeof raw === 'number') return raw;
  if (typeId !== undefined && NUMERIC_TYPES.has(typeId)) return numericValue(raw);
  if (raw instanceof Date) return raw.toISOString();
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
}
