import { redactUrl } from '../redact.js';
import { describeDatabaseError } from './pg-errors.js';
import { elapsedMs, openSession } from './pg-session.js';
import { defineCheck, type RawOutcome } from './types.js';

/** A new connection and SELECT 1: proves the whole path (tunnel, network, auth, server). */
export const connectivityCheck = defineCheck({
  type: 'connectivity',
  defaultTimeoutMs: 15_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = redactUrl(ctx.targetUrl);
    const started = performance.now();
    let client;
    try {
      client = await openSession(ctx.targetUrl, { statementTimeoutMs: ctx.timeoutMs, connectTimeoutMs: ctx.timeoutMs, signal: ctx.signal });
    } catch (err) {
      const reason = describeDatabaseError(err, ctx.targetUrl);
      return {
        status: 'error',
        observed: { connected: false, connect_ms: null },
        evidence: { target, via: params.via ?? null, error: reason },
        message: `cannot connect to ${ctx.environment}: ${reason}`,
      };
    }
    const connectMs = elapsedMs(started);
    try {
      const { rows } = await client.query<{ one: number; version: string; db: string; readonly: string }>(
        `SELECT 1 AS one, current_setting('server_version') AS version, current_database() AS db, current_setting('transaction_read_only') AS readonly`,
      );
      const row = rows[0]!;
      return {
        status: row.one === 1 ? 'pass' : 'fail',
        observed: { connected: true, connect_ms: connectMs, server_version: row.version },
        evidence: { target, via: params.via ?? null, database: row.db, server_version: row.version, read_only_server: row.readonly === 'on' },
        message: `connected to ${row.db} (PostgreSQL ${row.version}) in ${Math.round(connectMs)} ms`,
      };
    } catch (err) {
      const reason = describeDatabaseError(err, ctx.targetUrl);
      return {
        status: 'error',
        observed: { connected: false, connect_ms: connectMs },
        evidence: { target, via: params.via ?? null, error: reason },
        message: `connected, but SELECT 1 failed: ${reason}`,
      };
    } finally {
      await client.end().catch(() => {});
    }
  },
});
