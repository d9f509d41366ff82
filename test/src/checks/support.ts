import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ExecutionContext } from '../../../src/checks/execute.js';
import type { CheckContext, ManifestPins } from '../../../src/checks/types.js';
import { systemClock } from '../../../src/clock.js';
import { dropDatabase } from '../../../src/db/ensure-database.js';
import { silentLogger } from '../../../src/logger.js';
import type { Plan } from '../../../src/plan/schema.js';
import { SERVER_URL } from '../../support/constants.js';

/** Shared pieces of the check tests: a context, a plan with just what a check reads, throwaway databases. */

export const UNREACHABLE_URL = 'postgres://postgres@127.0.0.1:1/nowhere';

export function memoryPins(): ManifestPins & { pinned: Map<string, string> } {
  const pinned = new Map<string, string>();
  return {
    pinned,
    async get(planId, fileId) {
      return pinned.get(`${planId}/${fileId}`);
    },
    async pin(planId, fileId, sha256) {
      const key = `${planId}/${fileId}`;
      if (!pinned.has(key)) pinned.set(key, sha256);
      return pinned.get(key)!;
    },
  };
}

/** A plan object with only the parts check modules read (manifest, endpoints, roles). */
export function planWith(parts: { files?: Plan['migration']['files']; endpoints?: Plan['endpoints'] } = {}): Plan {
  return {
    id: 'tplan',
    title: 'test plan',
    time_zone: 'America/Sao_Paulo',
    migration: { files: parts.files ?? [], apply: [], rollback: '', steps: [] },
    endpoints: parts.endpoints ?? {},
    roles: {},
  } as unknown as Plan;
}

export function baseContext(overrides: Partial<ExecutionContext> = {}): ExecutionContext {
  return {
    plan: planWith(),
    planDir: process.cwd(),
    checkpointId: 'cp1',
    environment: 'staging',
    targetUrl: UNREACHABLE_URL,
    clock: systemClock,
    logger: silentLogger(),
    pins: memoryPins(),
    readVariable: () => undefined,
    ...overrides,
  };
}

/** A context for calling a module's run() directly. */
export function moduleContext(overrides: Partial<CheckContext> = {}): CheckContext {
  return { ...baseContext(), timeoutMs: 20_000, signal: new AbortController().signal, ...overrides } as CheckContext;
}

export interface EmptyDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh empty database on the test server. */
export async function emptyDatabase(label: string): Promise<EmptyDatabase> {
  const name = `golive_t_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = `${SERVER_URL}/${name}`;
  return { url, drop: () => dropDatabase(url) };
}

/** A check as the plan loader produces it (params are parsed again by the engine). */
export function checkOf(type: string, params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return { id: `${type}_check`, title: `${type} check`, source: 'test', type, params, optional: false, ...extra } as unknown as import('../../../src/plan/schema.js').Check;
}
