import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../src/checks/execute.js';
import { systemClock } from '../../src/clock.js';
import { checkContextFor } from '../../src/engine/check-context.js';
import { silentLogger } from '../../src/logger.js';
import { loadPlanRegistry, type PlanRegistry } from '../../src/plan-registry.js';
import { checkSchema } from '../../src/plan/schema.js';
import { createStore } from '../../src/store/index.js';
import { SERVER_URL } from '../support/constants.js';
import { createTestStateDb, type TestStateDb } from '../support/state-db.js';
import { emptyDatabase, type EmptyDatabase } from './checks/support.js';
import { planWith, writeTemp } from './plan/minimal-plan.js';

/**
 * Where each environment lives: its owner URL (url_var) for what changes the
 * database, its read-only URL (readonly_url_var) for checks that only read.
 * Every variable a plan names must be set at start, named in the error.
 */
const WITH_READONLY = planWith(
  'staging: { url_var: GOLIVE_ENV_STAGING_URL }',
  'staging: { url_var: GOLIVE_ENV_STAGING_URL, readonly_url_var: GOLIVE_ENV_STAGING_RO_URL }',
);

const load = (environments: Record<string, string>) => {
  const { plan } = writeTemp({ plan: WITH_READONLY, 'up.sql': 'SELECT 1;\n', 'down.sql': 'SELECT 1;\n' });
  return loadPlanRegistry({ planFiles: [plan!], rolesFile: 'roles.example.yaml', environments });
};

describe('environment URLs', () => {
  it('refuses to start while a variable the plan names is unset, naming the file, the path and the variable', async () => {
    await expect(load({ staging: 'postgres://owner@db/x' })).rejects.toThrow(/plan: environments\.staging\.readonly_url_var: GOLIVE_ENV_STAGING_RO_URL is not set/);
    await expect(load({ staging_ro: 'postgres://reader@db/x' })).rejects.toThrow(/plan: environments\.staging\.url_var: GOLIVE_ENV_STAGING_URL is not set/);
  });

  it('gives the owner URL by default and the read-only one to readers', async () => {
    const plans = await load({ staging: 'postgres://owner@db/x', staging_ro: 'postgres://reader@db/x' });
    expect(plans.envUrl('mini', 'staging')).toBe('postgres://owner@db/x');
    expect(plans.envUrl('mini', 'staging', 'owner')).toBe('postgres://owner@db/x');
    expect(plans.envUrl('mini', 'staging', 'read')).toBe('postgres://reader@db/x');
  });
});

describe('checks on an environment with a read-only URL', () => {
  const reader = `golive_t_reader_${randomBytes(3).toString('hex')}`;
  let db: EmptyDatabase;
  let state: TestStateDb;
  let plans: PlanRegistry;

  beforeAll(async () => {
    db = await emptyDatabase('readonly');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${reader} LOGIN`);
    await admin.query(`CREATE TABLE public.t (id int); GRANT SELECT ON public.t TO ${reader}; CREATE TABLE public.secret (id int)`);
    await admin.end();
    const readerUrl = db.url.replace(/^postgres:\/\/[^@]+@/, `postgres://${reader}@`);
    plans = await load({ staging: db.url, staging_ro: readerUrl });
    state = await createTestStateDb('readonly');
  });
  afterAll(async () => {
    await state?.drop();
    await db?.drop();
    const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${reader}`).finally(() => admin.end());
  });

  const run = async (query: string, readonly = true) => {
    const plan = plans.require('mini');
    const ctx = checkContextFor({ plans, store: createStore(state.pool), config: { webUrl: 'http://127.0.0.1:9' }, clock: systemClock, logger: silentLogger() }, plan, 'cp1', 'staging');
    const check = checkSchema.parse({ id: 'q', title: 'q', source: 'test', type: 'sql', params: { query, readonly }, expect: { op: '!=', value: 'nobody' } });
    return (await executeGroup([check], ctx)).get('q')!;
  };

  it('a check that reads connects as the read-only role; one that writes as the owner', async () => {
    expect((await run('SELECT current_user')).observed).toEqual({ value: reader });
    expect((await run('SELECT current_user', false)).observed).toEqual({ value: 'postgres' });
  });

  it('a read-only check stays read-only: one statement, in a READ ONLY transaction, as a role that may only read', async () => {
    // A query cannot lift its transaction's READ ONLY: one statement only.
    const lifted = await run(`SET TRANSACTION READ WRITE; WITH gone AS (DELETE FROM public.t RETURNING 1) SELECT count(*)::text FROM gone`);
    expect(lifted.status).toBe('error');
    expect(lifted.message).toMatch(/cannot insert multiple commands into a prepared statement/);
    // The role itself reads only what it was granted.
    const secret = await run(`SELECT count(*)::text FROM public.secret`);
    expect(secret.message).toMatch(/permission denied for table secret/);
    expect((await run(`SELECT count(*)::text FROM public.secret`, false)).status).toBe('pass');
  });
});
