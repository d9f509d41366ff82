import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { SERVER_URL } from '../../support/constants.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../demo/support.js';
import { perfCheck, perfContext } from './perf-support.js';
import { histogramOf } from '../../../src/reports/documents/load-test.js';

/**
 * Every load test of the suite lives in this file: vitest runs one file's
 * tests one after another, so two 100-client runs never compete for the
 * server's connection slots.
 */
describe('load_test check', () => {
  let db: DemoTestDatabase;
  const role = `golive_t_limited_${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    db = await createDemoTestDatabase('load');
    // A role the server lets in only three times at once: the fourth session is refused.
    await db.client.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 3`);
    await db.client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
  });
  afterAll(async () => {
    await db?.drop();
    const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`).finally(() => admin.end());
  });

  it('runs 100 clients on the query mix and reports throughput, percentiles from every request, intervals', async () => {
    const params = { clients: 100, duration: '3s', queries: ['Q1', 'Q2', 'Q3'], progress_interval: '1s', host_metrics: 'local' };
    const checks = [
      perfCheck('lt_errors', 'load_test', params, { metric: 'errors', op: '==', value: 0 }),
      perfCheck('lt_pool', 'load_test', params, { metric: 'clients_connected', op: '>=', value: 100 }),
    ];
    // One execution judged by both checks, as the engine does for a shared type.
    const outcomes = await executeGroup(checks, perfContext(db.url));
    const errorsOutcome = outcomes.get('lt_errors')!;
    expect(errorsOutcome.status, `${errorsOutcome.message} ${JSON.stringify(errorsOutcome.evidence).slice(0, 800)}`).toBe('pass');
    expect(outcomes.get('lt_pool')!.status).toBe('pass');
    expect(outcomes.get('lt_pool')!.observed).toBe(errorsOutcome.observed);

    const o = errorsOutcome.observed as Record<string, number>;
    expect(o.clients_connected).toBe(100);
    expect(o.errors).toBe(0);
    expect(o.transactions).toBeGreaterThan(0);
    expect(o.p50_ms).toBeGreaterThan(0);
    expect(o.p50_ms).toBeLessThanOrEqual(o.p95_ms!);
    expect(o.p95_ms).toBeLessThanOrEqual(o.p99_ms!);
    expect(o.tps).toBeGreaterThan(0);
    expect(o.cpu_peak_pct).toBeGreaterThan(0);
    expect(errorsOutcome.message).toMatch(/^100 clients for 3s: [\d.]+ tps, p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms, 0 errors; throughput [-+][\d.]+ % first to last quarter$/);

    const e = errorsOutcome.evidence as Record<string, any>;
    expect(e.intervals).toHaveLength(3);
    expect(e.intervals.reduce((sum: number, i: { transactions: number }) => sum + i.transactions, 0)).toBe(o.transactions);
    expect(Object.keys(e.by_query)).toEqual(['Q1', 'Q2', 'Q3']);
    expect(e.latency.count).toBe(o.transactions);
    // The distribution itself, for the report's histogram CSV: every request in one bin.
    expect(e.latency_histogram.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(o.transactions);
    expect(histogramOf(e)!.length).toBe(e.latency_histogram.length);
    expect(e.capacity.available).toBeGreaterThanOrEqual(100);
  });

  it('counts an error for every refused connection (a role with CONNECTION LIMIT 3) and fails errors == 0', async () => {
    const url = new URL(db.url);
    url.username = role;
    const check = perfCheck('lt_errors', 'load_test', { clients: 10, duration: '2s', queries: ['Q3'], progress_interval: '1s', host_metrics: 'prometheus' }, {
      metric: 'errors',
      op: '==',
      value: 0,
    });
    const outcome = (await executeGroup([check], perfContext(url.toString()))).get(check.id)!;
    expect(outcome.status).toBe('fail');
    const o = outcome.observed as Record<string, number>;
    expect(o.clients_connected).toBe(3);
    // Seven clients refused at the start, each trying again every second of the run.
    expect(o.errors).toBeGreaterThanOrEqual(7);
    expect(o.transactions).toBeGreaterThan(0);
    expect(o.error_rate_pct).toBeGreaterThan(0);
    // The judge words it: the figure against the target (the run card puts the title before it).
    expect(outcome.message).toMatch(/^\d+, target = 0$/);
    const e = outcome.evidence as Record<string, any>;
    expect(e.errors_by_kind['connect:53300']).toBe(o.errors);
    expect(e.error_samples[0]).toMatch(/too many connections for role/);
    expect(e.capacity.role_connection_limit).toBe(3);
  });

  it('does not start when the server has fewer free connection slots than clients, and says so', async () => {
    const check = perfCheck('lt_errors', 'load_test', { clients: 5000, duration: '1s', queries: ['Q1'] }, { metric: 'errors', op: '==', value: 0 });
    const outcome = (await executeGroup([check], perfContext(db.url))).get(check.id)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatch(
      /^not run: the server can take \d+ more connections \(max_connections \d+, \d+ in use\) but the load test needs 5000 clients: raise max_connections or lower clients$/,
    );
  });
});
