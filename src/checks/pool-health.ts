import { redactUrl } from '../redact.js';
import { describeDatabaseError } from './pg-errors.js';
import { elapsedMs, withReadOnlySession } from './pg-session.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * K sessions opened at once, each answering the query: shows the server
 * accepts the concurrency the migration and the application need
 * (max_connections, pooler limits) and answers under it.
 */
export const poolHealthCheck = defineCheck({
  type: 'pool_health',
  defaultTimeoutMs: 30_000,
  async run(params, ctx): Promise<RawOutcome> {
    const attempts = Array.from({ length: params.connections }, async () => {
      const started = performance.now();
      try {
        await withReadOnlySession(ctx.targetUrl, { statementTimeoutMs: ctx.timeoutMs, signal: ctx.signal }, (client) => client.query(params.query));
        return { ok: true as const, ms: elapsedMs(started) };
      } catch (err) {
        return { ok: false as const, ms: elapsedMs(started), error: describeDatabaseError(err, ctx.targetUrl) };
      }
    });
    const outcomes = await Promise.all(attempts);
    const answered = outcomes.filter((o) => o.ok).length;
    const failed = outcomes.length - answered;
    const maxMs = outcomes.reduce((m, o) => Math.max(m, o.ms), 0);
    const errors = [...new Set(outcomes.flatMap((o) => (o.ok ? [] : [o.error])))];
    const observed = { answered, failed, max_ms: maxMs };
    const evidence = { target: redactUrl(ctx.targetUrl), connections: params.connections, query: params.query, slowest_ms: maxMs, errors };
    if (answered === 0) {
      return { status: 'error', observed, evidence, message: `none of ${params.connections} sessions answered: ${errors[0] ?? 'unknown error'}` };
    }
    return {
      status: failed === 0 ? 'pass' : 'fail',
      observed,
      evidence,
      message:
        failed === 0
          ? `${answered}/${params.connections} concurrent sessions answered (slowest ${Math.round(maxMs)} ms)`
          : `${failed} of ${params.connections} concurrent sessions failed: ${errors.join('; ')}`,
    };
  },
});
