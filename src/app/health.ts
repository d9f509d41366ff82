import type { Redis } from 'ioredis';
import { withTimeout } from '../store/index.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  stateDb: { ok: boolean; error?: string };
  redis: { ok: boolean; error?: string };
}

/** /healthz: 200 when the state DB and Redis both answer, 503 otherwise. */
export async function checkHealth(deps: { pingStateDb: () => Promise<void>; redis: Redis }, timeoutMs = 1000): Promise<HealthReport> {
  const [stateDb, redis] = await Promise.all([
    probe(() => deps.pingStateDb()),
    probe(() => withTimeout(deps.redis.ping(), timeoutMs, 'Redis did not answer')),
  ]);
  return { status: stateDb.ok && redis.ok ? 'ok' : 'degraded', stateDb, redis };
}

async function probe(fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await fn();
    return { ok: true };
  } catch (err) {
    // Reasons only: never the connection string.
    const code = (err as { code?: string }).code;
    return { ok: false, error: code ?? (err instanceof Error ? err.message.slice(0, 200) : 'unreachable') };
  }
}
