import { Redis, type RedisOptions } from 'ioredis';

/**
 * Workers need maxRetriesPerRequest: null (BullMQ blocks on Redis). The web
 * process must never hang on a dead Redis while Slack waits 3 s, so its
 * producer connection fails fast instead of queueing commands offline.
 */
export function createRedis(url: string, role: 'worker' | 'producer'): Redis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, commandTimeout: 2_000 };
  const redis = new Redis(url, { ...options, lazyConnect: false });
  // Connection errors are reported by /healthz and by the calls that fail;
  // an unhandled 'error' event would crash the process.
  redis.on('error', () => {});
  return redis;
}
