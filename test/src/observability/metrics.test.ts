import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../../src/db/pool.js';
import { silentLogger } from '../../../src/logger.js';
import { createMetrics } from '../../../src/metrics.js';
import { startMetricsServer } from '../../../src/observability/metrics-server.js';
import { parsePromText, seriesNamesOf, type PromFamily } from '../../../src/observability/prom-text.js';
import { registerStateMetrics, STATE_METRIC_NAMES } from '../../../src/observability/state-metrics.js';
import { systemClock } from '../../../src/clock.js';
import type { RunRecord } from '../../../src/store/runs.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { SERVER_URL } from '../../support/constants.js';
import { DBA, seedCp2Run } from '../reports/support.js';
import { seedStabilityWindow, WINDOW } from './support.js';

/**
 * GET /metrics of the real web process: well-formed Prometheus text with
 * golive's own series and, read from the state DB at scrape time, the
 * decisions, sign-offs, check durations, incidents and the stability
 * window's figures.
 */
describe('/metrics', () => {
  let h: Harness;
  let run: RunRecord;
  let families: Map<string, PromFamily>;
  /** Samples named exactly so (a histogram's _bucket/_sum/_count live in its family). */
  const series = (name: string) => [...families.values()].flatMap((f) => f.samples).filter((s) => s.name === name);
  const one = (name: string, labels: Record<string, string>) => {
    const found = series(name).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
    return found[0]!.value;
  };

  beforeAll(async () => {
    h = await startHarness();
    const store = h.core.store;
    run = await seedCp2Run(store, h.core.plans.require('demo'));
    await store.signoffs.insert({ planId: 'demo', checkpointId: 'cp2', runId: run.id, role: 'dba', userId: DBA, evidenceDigest: run.evidenceDigest!, at: new Date() });
    const first = await store.incidents.open({ planId: 'demo', severity: 'SEV3', text: 'slow map tiles', openedBy: DBA, requestKey: 'metrics-test-1', levels: 1, roles: ['dba'], now: new Date() });
    await store.incidents.open({ planId: 'demo', severity: 'SEV3', text: 'slower map tiles', openedBy: DBA, requestKey: 'metrics-test-2', levels: 1, roles: ['dba'], now: new Date() });
    await store.incidents.resolve({ planId: 'demo', id: first.incident.id, userId: DBA, now: new Date() });

    await seedStabilityWindow(store);

    await h.command('ping', DBA);
    // The ping job counted by the worker (same process, same registry, in this harness).
    await h.fake.waitFor(async () => (await h.core.metrics.jobs.get()).values.some((v) => v.labels.job === 'ping'), { timeoutMs: 15_000, description: 'the ping job' });
    const port = (h.server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    families = parsePromText(await res.text());
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is Prometheus text naming golive’s own series and the state DB’s', () => {
    for (const name of ['golive_commands_total', 'golive_command_ack_seconds', 'golive_interactions_total', 'golive_jobs_total', 'golive_job_duration_seconds', ...STATE_METRIC_NAMES]) {
      expect(families.get(name)?.type, name).toBeDefined();
    }
    expect(one('golive_state_metrics_up', {})).toBe(1);
    expect(one('golive_commands_total', { command: 'ping' })).toBeGreaterThanOrEqual(1);
  });

  it('counts decisions and sign-offs from the state DB', () => {
    expect(one('golive_decisions_total', { plan: 'demo', checkpoint: 'cp2', decision: 'GO' })).toBe(1);
    expect(one('golive_signoffs_total', { plan: 'demo', checkpoint: 'cp2', role: 'dba' })).toBe(1);
    expect(one('golive_incidents_opened_total', { plan: 'demo', severity: 'SEV3' })).toBe(2);
    expect(one('golive_incidents_open', { plan: 'demo', severity: 'SEV3' })).toBe(1);
  });

  it('has check durations as a histogram by type and status', () => {
    const family = families.get('golive_check_duration_seconds')!;
    expect(family.type).toBe('histogram');
    // Three query_performance checks of 1.234 s each.
    expect(one('golive_check_duration_seconds_count', { plan: 'demo', type: 'query_performance', status: 'pass' })).toBe(3);
    expect(one('golive_check_duration_seconds_sum', { plan: 'demo', type: 'query_performance', status: 'pass' })).toBeCloseTo(3.702, 6);
    expect(one('golive_check_duration_seconds_bucket', { plan: 'demo', type: 'query_performance', status: 'pass', le: '1' })).toBe(0);
    expect(one('golive_check_duration_seconds_bucket', { plan: 'demo', type: 'query_performance', status: 'pass', le: '5' })).toBe(3);
    expect(one('golive_check_duration_seconds_bucket', { plan: 'demo', type: 'query_performance', status: 'pass', le: '+Inf' })).toBe(3);
  });

  it('exports the stability window’s sampled figures as gauges', () => {
    const w = { ...WINDOW };
    expect(one('golive_stability_availability_percent', { ...w, probe: 'database' })).toBe(90);
    expect(one('golive_stability_error_rate_percent', { ...w, probe: 'database' })).toBe(10);
    expect(one('golive_stability_probe_up', { ...w, probe: 'database' })).toBe(1);
    expect(one('golive_stability_query_latency_ms', { ...w, query: 'Q1', quantile: '0.5' })).toBe(15);
    expect(one('golive_stability_query_latency_ms', { ...w, query: 'Q1', quantile: '0.99' })).toBeCloseTo(19.9, 6);
    expect(series('golive_stability_query_latency_ms').some((s) => s.labels.query === 'Q3')).toBe(false);
    expect(one('golive_stability_query_vs_baseline_percent', { ...w, query: 'Q1' })).toBe(-20.5);
    expect(one('golive_stability_pruning_percent', w)).toBeCloseTo(66.667, 3);
    expect(one('golive_stability_connections', { ...w, state: 'total' })).toBe(12);
    expect(one('golive_stability_connections', { ...w, state: 'active' })).toBe(3);
    expect(one('golive_stability_cache_hit_ratio_percent', w)).toBe(99.25);
    expect(one('golive_stability_lock_waiting_sessions', w)).toBe(1);
    expect(one('golive_stability_lock_wait_seconds', w)).toBe(2.5);
    expect(one('golive_stability_partition_scans', { ...w, partition: 'p2026_01', scan: 'idx' })).toBe(40);
    expect(one('golive_stability_index_scans', { ...w, partition: 'p2026_01', index: 'p2026_01_geom_idx' })).toBe(30);
    expect(one('golive_stability_host_percent', { ...w, resource: 'cpu' })).toBe(41.5);
    expect(one('golive_stability_sample_age_seconds', { ...w, kind: 'metrics' })).toBeGreaterThanOrEqual(30);
  });

  it('still answers, with golive_state_metrics_up 0, when the state DB cannot be read', async () => {
    const metrics = createMetrics({ process: 'web', defaultMetrics: false });
    const pool = createPool(`${SERVER_URL}/golive_t_missing_database_for_metrics`, { connectionTimeoutMillis: 2000 });
    try {
      registerStateMetrics(metrics.registry, { pool, plans: h.core.plans, clock: systemClock, logger: silentLogger() });
      const parsed = parsePromText(await metrics.registry.metrics());
      expect(parsed.get('golive_state_metrics_up')!.samples[0]!.value).toBe(0);
      expect(parsed.get('golive_decisions_total')!.samples).toHaveLength(0);
    } finally {
      await pool.end();
    }
  });

  it('serves a worker’s own registry on its metrics port', async () => {
    const server = await startMetricsServer({ registry: h.core.metrics.registry, port: 0, host: '127.0.0.1', logger: silentLogger() });
    try {
      const body = await (await fetch(`http://127.0.0.1:${server!.port}/metrics`)).text();
      const parsed = parsePromText(body);
      const jobs = parsed.get('golive_jobs_total')!;
      expect(jobs.samples.some((s) => s.labels.job === 'ping')).toBe(true);
      expect((await fetch(`http://127.0.0.1:${server!.port}/other`)).status).toBe(404);
    } finally {
      await server?.close();
    }
  });

  it('rejects malformed exposition text', () => {
    expect(() => parsePromText('bad-name 1\n')).toThrow(/line 1/);
    expect(() => parsePromText('x{a="1} 2\n')).toThrow(/unterminated/);
    expect(() => parsePromText('x 1\n# TYPE x gauge\n')).toThrow(/after its samples/);
    expect(seriesNamesOf({ name: 'h', type: 'histogram' })).toEqual(['h', 'h_bucket', 'h_sum', 'h_count']);
  });
});
