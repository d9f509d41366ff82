import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { databaseName, withDatabase } from '../db/pool.js';
import { DEFAULT_PREFIX, DEFAULT_ROWS, setupDemo } from '../demo/setup.js';
import { GoliveError } from '../errors.js';

/** Where plans/demo.yaml writes its backups; created for the newcomer. */
export const DEMO_BACKUP_DIR = '/tmp/golive-backups';

const HOW_TO_GET = `How to get them:
  Debian/Ubuntu: sudo apt-get install -y postgresql-15 postgresql-15-postgis-3 redis-server
                 (then: sudo pg_ctlcluster 15 main start; redis-server --daemonize yes)
  Docker:        docker compose up -d   (uses docker-compose.yml in this repository)`;

/**
 * Local mode needs PostgreSQL with PostGIS and Redis on this machine. Check all
 * three first and fail with one message saying what is missing and how to get it.
 */
export async function preflight(config: Config): Promise<void> {
  const missing: string[] = [];
  const admin = new pg.Client({ connectionString: withDatabase(config.databaseUrl, 'postgres'), connectionTimeoutMillis: 3_000 });
  admin.on('error', () => {});
  try {
    await admin.connect();
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'postgis'`);
    if (rows[0].n === 0) missing.push('PostGIS is not installed in that PostgreSQL (package postgresql-15-postgis-3)');
  } catch (err) {
    missing.push(`PostgreSQL is not reachable at ${new URL(config.databaseUrl).host} (${(err as Error).message})`);
  } finally {
    await admin.end().catch(() => {});
  }
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3_000, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    missing.push(`Redis is not reachable at ${new URL(config.redisUrl).host}`);
  } finally {
    redis.disconnect();
  }
  if (missing.length) {
    throw new GoliveError('LOCAL_PREREQUISITES', `golive's local mode needs PostgreSQL with PostGIS and Redis running:\n  - ${missing.join('\n  - ')}\n${HOW_TO_GET}`);
  }
}

/**
 * Create the demo environments when any is missing (the first `npm start` on a
 * machine), printing a progress line for each step. Existing ones are kept:
 * `npm run demo:setup` rebuilds them on purpose.
 */
export async function ensureDemoEnvironments(config: Config, log: (line: string) => void): Promise<void> {
  const wanted = ['shadow', 'staging', 'production'].map((env) => config.environments[env]).filter((u): u is string => Boolean(u));
  const admin = new pg.Client({ connectionString: withDatabase(config.databaseUrl, 'postgres') });
  await admin.connect();
  let missing: string[];
  try {
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname = ANY($1)`, [wanted.map(databaseName)]);
    const present = new Set(rows.map((r) => r.datname as string));
    missing = wanted.map(databaseName).filter((name) => !present.has(name));
  } finally {
    await admin.end();
  }
  // The demo plan backs up to /tmp/golive-backups (opt1 uses /backups, which an operator provides).
  mkdirSync(DEMO_BACKUP_DIR, { recursive: true });
  if (missing.length === 0) {
    log('demo environments: present');
    return;
  }
  // Only the default demo databases are built automatically; anything else is the operator's.
  if (!missing.every((name) => name.startsWith(`${DEFAULT_PREFIX}_`))) {
    throw new GoliveError('LOCAL_ENV_MISSING', `these environment databases do not exist: ${missing.join(', ')}. Create them, or unset GOLIVE_ENV_*_URL to use the demo environments.`);
  }
  log(`demo environments missing (${missing.join(', ')}): building them with ${DEFAULT_ROWS.toLocaleString('en')} rows (under a minute)…`);
  await setupDemo({ serverUrl: withDatabase(config.databaseUrl, 'postgres'), prefix: DEFAULT_PREFIX, rows: DEFAULT_ROWS, log: (line) => log(`  ${line.trim()}`) });
  log('demo environments: ready');
}
