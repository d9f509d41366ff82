import http from 'node:http';
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { executeGroup, type ExecutionContext } from '../../../src/checks/execute.js';
import { localLinkSpeedKnown } from '../../../src/checks/host-local.js';
import { hostPeaksFromPrometheus } from '../../../src/checks/host-peaks.js';
import { NODE_EXPORTER_QUERIES } from '../../../src/checks/node-exporter.js';
import { samplePrometheus, sampleQueriesOf } from '../../../src/checks/prometheus-sample.js';
import type { CheckOutcome } from '../../../src/checks/types.js';
import { silentLogger } from '../../../src/logger.js';
import { checkSchema, type Check, type Plan } from '../../../src/plan/schema.js';
import pg from 'pg';
import { emptyDatabase } from './support.js';
import { freePort, startPrometheusStack, type PrometheusStack } from '../../support/prometheus-stack.js';

/**
 * The Prometheus checks against a real Prometheus scraping a real
 * node_exporter on this machine: CPU, memory and I/O judged with thresholds
 * that hold and thresholds that do not; a PromQL error, an HTTP error and an
 * unreachable server fail with the reason; no URL falls back to a person.
 */

let stack: PrometheusStack;

beforeAll(async () => {
  stack = await startPrometheusStack();
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

function planWith(instance: string | undefined): Plan {
  return {
    environments: { staging: { url_var: 'GOLIVE_ENV_STAGING_URL', migrated: false, ...(instance !== undefined ? { prometheus_instance: instance } : {}) } },
    roles: { dba: { title: 'Database Administrator' }, infrastructure: { title: 'Infrastructure Team' } },
    endpoints: {},
  } as unknown as Plan;
}

function context(vars: Record<string, string>, instance: string | null = stack.instance): ExecutionContext {
  return {
    plan: planWith(instance ?? undefined),
    planDir: process.cwd(),
    checkpointId: 'cp1',
    environment: 'staging',
    targetUrl: 'postgres://postgres@127.0.0.1:5432/unused',
    clock: systemClock,
    logger: silentLogger(),
    pins: { get: async () => undefined, pin: async (_p, _f, sha) => sha },
    readVariable: (name) => vars[name],
  };
}

const withPrometheus = () => context({ GOLIVE_PROMETHEUS_URL: stack.url });

function check(fields: { type: string; params: Record<string, unknown>; expect?: unknown; timeout?: string }): Check {
  return checkSchema.parse({ id: 'c1', title: 'a figure', source: 'a seed line', ...fields });
}

async function run(c: Check, ctx: ExecutionContext): Promise<CheckOutcome> {
  const out = await executeGroup([c], ctx);
  return out.get(c.id)!;
}

describe('host_resources from Prometheus (node_exporter)', () => {
  it('counts the CPU cores of this machine: 4+ holds or fails by the threshold', async () => {
    const cores = os.cpus().length;
    const pass = await run(check({ type: 'host_resources', params: { resource: 'cpu_cores' }, expect: { op: '>=', value: 1 } }), withPrometheus());
    expect(pass.status, pass.message).toBe('pass');
    expect(pass.observed).toMatchObject({ value: cores, cores });
    expect(pass.evidence.query).toBe(`count(node_cpu_seconds_total{instance="${stack.instance}",mode="idle"})`);
    expect(pass.message).toContain(`instance ${stack.instance}`);

    const fail = await run(check({ type: 'host_resources', params: { resource: 'cpu_cores' }, expect: { op: '>=', value: cores + 1 } }), withPrometheus());
    expect(fail.status).toBe('fail');
    expect(fail.message).toContain(`${cores}, target ≥ ${cores + 1}`);
  });

  it('reads the memory size: a threshold below it passes, one above it fails', async () => {
    const totalMb = Math.floor(os.totalmem() / 1024 ** 2);
    const pass = await run(
      check({ type: 'host_resources', params: { resource: 'memory_total' }, expect: { op: '>=', value: Math.floor(totalMb / 2), unit: 'MB' } }),
      withPrometheus(),
    );
    expect(pass.status, pass.message).toBe('pass');
    expect(Math.abs((pass.observed.bytes as number) - os.totalmem()) / os.totalmem()).toBeLessThan(0.01);

    const fail = await run(
      check({ type: 'host_resources', params: { resource: 'memory_total' }, expect: { op: '>=', value: totalMb * 2, unit: 'MB' } }),
      withPrometheus(),
    );
    expect(fail.status).toBe('fail');
    expect(fail.message).toMatch(/MB, target ≥ \d+ MB/);
  });

  it('judges CPU utilisation over a window: avg and peak within 0-100 %, and a band it cannot meet', async () => {
    const params = { resource: 'cpu', window: '15s' };
    const pass = await run(
      check({ type: 'host_resources', params, expect: [{ metric: 'avg_pct', op: 'between', value: 0, max: 100 }, { metric: 'peak_pct', op: '<=', value: 100 }] }),
      withPrometheus(),
    );
    expect(pass.status, pass.message).toBe('pass');
    const { avg_pct, peak_pct, min_pct, value } = pass.observed as { avg_pct: number; peak_pct: number; min_pct: number; value: number };
    expect(value).toBe(avg_pct);
    expect(min_pct).toBeLessThanOrEqual(avg_pct);
    expect(peak_pct).toBeGreaterThanOrEqual(avg_pct);
    expect(pass.message).toMatch(/^CPU [\d.]+% on average, peak [\d.]+%, low [\d.]+% over the last 15s/);
    const range = pass.evidence.time_range as { start: string; end: string; step_s: number; rate_interval: string };
    expect(new Date(range.end).getTime() - new Date(range.start).getTime()).toBe(15_000);
    expect(range.step_s).toBe(1);
    expect(range.rate_interval).toBe('60s');
    expect(pass.evidence.reduction).toMatch(/the average of all values of \d+ points? in 1 series over the last 15s/);

    // The seed's load-test band (70-80 % peak) read as "peak above 100 %": a band this machine cannot meet.
    const fail = await run(check({ type: 'host_resources', params, expect: { metric: 'peak_pct', op: 'between', value: 101, max: 200 } }), withPrometheus());
    expect(fail.status).toBe('fail');
    expect(fail.message).toMatch(/^peak_pct [\d.]+%, target between 101% and 200%/);
  });

  it('judges memory utilisation now', async () => {
    const pass = await run(check({ type: 'host_resources', params: { resource: 'memory' }, expect: { op: 'between', value: 0, max: 100 } }), withPrometheus());
    expect(pass.status, pass.message).toBe('pass');
    expect(pass.message).toMatch(/^memory [\d.]+% now/);
    const fail = await run(check({ type: 'host_resources', params: { resource: 'memory' }, expect: { op: '<', value: 0.0001 } }), withPrometheus());
    expect(fail.status).toBe('fail');
  });

  it('judges storage I/O utilisation over a window (iostat %util of the busiest disk)', async () => {
    const params = { resource: 'io', window: '10s' };
    const pass = await run(check({ type: 'host_resources', params, expect: { metric: 'peak_pct', op: '<=', value: 100 } }), withPrometheus());
    expect(pass.status, pass.message).toBe('pass');
    expect(pass.evidence.query).toContain('node_disk_io_time_seconds_total');
    const fail = await run(check({ type: 'host_resources', params, expect: { metric: 'avg_pct', op: '>', value: 100 } }), withPrometheus());
    expect(fail.status).toBe('fail');
    expect(fail.message).toMatch(/^avg_pct [\d.]+%, target > 100%/);
  });

  it('finds sustained high use: memory above 0 % all the time is one episode; above 100 % never', async () => {
    const high = await run(
      check({
        type: 'host_resources',
        params: { resource: 'sustained', window: '10s', thresholds: { memory: 0 }, sustained_for: '3s' },
        expect: { metric: 'episodes', op: '==', value: 0 },
      }),
      withPrometheus(),
    );
    expect(high.status, high.message).toBe('fail');
    expect(high.observed.episodes).toBe(1);
    expect(high.observed.sustained_ms as number).toBeGreaterThanOrEqual(3_000);

    const calm = await run(
      check({
        type: 'host_resources',
        params: { resource: 'sustained', window: '10s', thresholds: { cpu: 100, memory: 100, io: 100 }, sustained_for: '3s' },
        expect: { metric: 'episodes', op: '==', value: 0 },
      }),
      withPrometheus(),
    );
    expect(calm.status, calm.message).toBe('pass');
    expect(calm.message).toMatch(/^no sustained high use over the last 10s/);
  });

  it('reads free disk space of a mount point (disk_free with source prometheus)', async () => {
    const fsInfo = await statfs('/');
    const freeGb = (fsInfo.bavail * fsInfo.bsize) / 1024 ** 3;
    const byMount = await run(
      check({ type: 'disk_free', params: { location: 'path', path: '/', source: 'prometheus', mountpoint: '/' }, expect: { metric: 'free_bytes', op: '>', value: 0 } }),
      withPrometheus(),
    );
    expect(byMount.status, byMount.message).toBe('pass');
    expect(Math.abs((byMount.observed.free_bytes as number) / 1024 ** 3 - freeGb)).toBeLessThan(Math.max(1, freeGb * 0.05));
    expect(byMount.message).toMatch(/ free of .* at \/ \(instance /);

    // Without a mountpoint, the file system holding the path; a threshold above the disk's size fails.
    const byPath = await run(
      check({ type: 'disk_free', params: { location: 'path', path: '/usr/share', source: 'prometheus' }, expect: { metric: 'free_bytes', op: '>', value: 1024, unit: 'TB' } }),
      withPrometheus(),
    );
    expect(byPath.status).toBe('fail');
    expect(byPath.evidence.mountpoint).toBeTypeOf('string');
  });

  it('measures headroom for a copy on a remote data volume (disk_headroom with source prometheus)', async () => {
    const db = await emptyDatabase('headroom');
    try {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query(`CREATE TABLE public.big AS SELECT g AS id, repeat('x', 200) AS payload FROM generate_series(1, 20000) g`);
      const { rows } = await client.query(`SELECT pg_total_relation_size('public.big')::float8 AS bytes`);
      await client.end();
      const tableBytes = rows[0].bytes as number;
      const ctx = { ...withPrometheus(), targetUrl: db.url };

      const fits = await run(check({ type: 'disk_headroom', params: { table: 'public.big', source: 'prometheus', mountpoint: '/' } }), ctx);
      expect(fits.status, fits.message).toBe('pass');
      expect(fits.observed).toMatchObject({ table_bytes: tableBytes, needed_bytes: tableBytes * 2 });
      expect(fits.message).toMatch(/free at \/ \(instance .*\), .* needed \(public\.big .* × 2 for the copy and its WAL\): .* to spare/);

      // A factor no disk can hold fails, with the shortfall.
      const short = await run(check({ type: 'disk_headroom', params: { table: 'public.big', factor: 1e12, source: 'prometheus', mountpoint: '/' } }), ctx);
      expect(short.status).toBe('fail');
      expect(short.message).toMatch(/short$/);

      // A mount point node_exporter does not report is an error, not a pass.
      const unknown = await run(check({ type: 'disk_headroom', params: { table: 'public.big', source: 'prometheus', mountpoint: '/no/such/mount' } }), ctx);
      expect(unknown.status).toBe('error');
    } finally {
      await db.drop();
    }
  });

  it('network utilisation needs a link speed: without one it falls back to a person, said plainly', async () => {
    const speedKnown = await localLinkSpeedKnown(); // node_exporter reads the same /sys/class/net
    const out = await run(check({ type: 'host_resources', params: { resource: 'network', window: '10s' }, expect: { metric: 'peak_pct', op: '<', value: 80 } }), withPrometheus());
    if (speedKnown) {
      expect(out.status, out.message).toMatch(/^(pass|fail)$/);
      expect(out.message).toMatch(/^network bandwidth /);
    } else {
      expect(out.status).toBe('pending');
      expect(out.message).toBe(
        `bandwidth utilisation needs the link speed, and no network interface of instance ${stack.instance} reports one (node_network_speed_bytes): Infrastructure Team (role infrastructure) checks this figure and attests it by hand`,
      );
    }
    // The query itself is valid PromQL either way.
    const sample = await samplePrometheus({ source: { url: stack.url }, instance: stack.instance, environment: 'staging', at: new Date(), host: false, queries: { n: NODE_EXPORTER_QUERIES.network } });
    expect(sample.errors.n ?? '').not.toContain('PromQL error');

    // In a sustained check, an unmeasurable network leaves the rest judged and a person for the gap.
    const sustained = await run(
      check({ type: 'host_resources', params: { resource: 'sustained', window: '10s', thresholds: { memory: 100, network: 80 }, sustained_for: '3s' }, expect: { metric: 'episodes', op: '==', value: 0 } }),
      withPrometheus(),
    );
    if (!speedKnown) {
      expect(sustained.status).toBe('pending');
      expect(sustained.message).toMatch(/^no sustained high use over the last 10s \(memory > 100% .*; network bandwidth not measured: bandwidth utilisation needs the link speed.*attests it by hand$/);
    } else {
      expect(sustained.status, sustained.message).toBe('pass');
    }
  });
});

describe('prometheus (a PromQL query of the plan)', () => {
  it('fills in {{instance}}, runs an instant query and keeps the query, the time and the values', async () => {
    const out = await run(
      check({ type: 'prometheus', params: { query: 'node_memory_MemTotal_bytes{instance="{{instance}}"}' }, expect: { op: '>', value: 1, unit: 'MB' } }),
      withPrometheus(),
    );
    expect(out.status, out.message).toBe('pass');
    expect(out.evidence.query).toBe(`node_memory_MemTotal_bytes{instance="${stack.instance}"}`);
    expect(out.evidence.query_template).toBe('node_memory_MemTotal_bytes{instance="{{instance}}"}');
    expect(out.evidence.time_range).toHaveProperty('at');
    const series = out.evidence.series as { labels: Record<string, string>; last: number }[];
    expect(series[0]!.labels.instance).toBe(stack.instance);
    expect(out.message).toMatch(/\(the latest value of 1 point in 1 series\)/);
  });

  it('reduces a range over several series with max, and caps the values kept', async () => {
    const out = await run(
      check({
        type: 'prometheus',
        params: { query: 'rate(node_cpu_seconds_total{instance="{{instance}}",mode="idle"}[{{rate_interval}}])', range: '1m', aggregate: 'max' },
        expect: { op: '>=', value: 0 },
      }),
      withPrometheus(),
    );
    expect(out.status, out.message).toBe('pass');
    expect(out.evidence.query).toContain('[60s]');
    expect(out.evidence.series_total).toBe(os.cpus().length);
    for (const s of out.evidence.series as { values: unknown[] }[]) expect(s.values.length).toBeLessThanOrEqual(30);
    expect(out.evidence.reduction).toMatch(/^the highest value of \d+ points in \d+ series over the last 1m/);
  });

  it('an answer with no series fails unless empty_as says what it counts as', async () => {
    const none = await run(check({ type: 'prometheus', params: { query: 'http_requests_total{code=~"5..",instance="{{instance}}"}' }, expect: { op: '<', value: 1 } }), withPrometheus());
    expect(none.status).toBe('error');
    expect(none.message).toContain('the query returned no data');
    const zero = await run(
      check({ type: 'prometheus', params: { query: 'http_requests_total{code=~"5..",instance="{{instance}}"}', empty_as: 0 }, expect: { op: '<', value: 1 } }),
      withPrometheus(),
    );
    expect(zero.status, zero.message).toBe('pass');
    expect(zero.observed.value).toBe(0);
  });

  it('`last` over several series asks for an aggregation', async () => {
    const out = await run(check({ type: 'prometheus', params: { query: 'node_cpu_seconds_total{instance="{{instance}}",mode="idle"}' }, expect: { op: '>', value: 0 } }), withPrometheus());
    if (os.cpus().length > 1) {
      expect(out.status).toBe('error');
      expect(out.message).toMatch(/returned \d+ series .*aggregate them to one/);
    } else {
      expect(out.status).toBe('pass');
    }
  });

  it('a PromQL error fails the check with Prometheus’s reason', async () => {
    const out = await run(check({ type: 'prometheus', params: { query: 'rate(node_cpu_seconds_total[' }, expect: { op: '>', value: 0 } }), withPrometheus());
    expect(out.status).toBe('error');
    expect(out.message).toMatch(/^PromQL error \(bad_data\): .*parse error/);
    expect(out.evidence.error_kind).toBe('promql');
  });

  it('an unreachable Prometheus fails the check with the reason', async () => {
    const closed = await freePort(); // nothing listens there any more
    const out = await run(check({ type: 'prometheus', params: { query: 'up' }, expect: { op: '==', value: 1 } }), context({ GOLIVE_PROMETHEUS_URL: `http://127.0.0.1:${closed}` }));
    expect(out.status).toBe('error');
    expect(out.message).toBe(`Prometheus at http://127.0.0.1:${closed}/ is unreachable: connection refused`);
    expect(out.evidence.error_kind).toBe('unreachable');

    const portOne = await run(check({ type: 'host_resources', params: { resource: 'cpu', window: '1h' }, expect: { op: '<', value: 85 } }), context({ GOLIVE_PROMETHEUS_URL: 'http://127.0.0.1:1' }));
    expect(portOne.status).toBe('error');
    expect(portOne.message).toMatch(/^Prometheus at http:\/\/127\.0\.0\.1:1\/ is unreachable: /);
  });

  it('an HTTP error (a proxy in front answering 502) fails the check with the status', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const out = await run(check({ type: 'host_resources', params: { resource: 'cpu_cores' }, expect: { op: '>=', value: 4 } }), context({ GOLIVE_PROMETHEUS_URL: `http://127.0.0.1:${port}` }));
      expect(out.status).toBe('error');
      expect(out.message).toBe(`Prometheus at http://127.0.0.1:${port}/ answered HTTP 502: bad gateway`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an environment without prometheus_instance is named in the reason', async () => {
    const out = await run(check({ type: 'host_resources', params: { resource: 'cpu_cores' }, expect: { op: '>=', value: 4 } }), context({ GOLIVE_PROMETHEUS_URL: stack.url }, null));
    expect(out.status, out.message).toBe('error');
    expect(out.message).toContain('environment staging has no prometheus_instance in the plan');
  });

  it('sends the bearer token from GOLIVE_PROMETHEUS_TOKEN', async () => {
    let seen: string | undefined;
    const server = http.createServer((req, res) => {
      seen = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1700000000, '42'] } }));
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const out = await run(
        check({ type: 'prometheus', params: { query: 'scalar(42)' }, expect: { op: '==', value: 42 } }),
        context({ GOLIVE_PROMETHEUS_URL: `http://127.0.0.1:${port}/prefix/`, GOLIVE_PROMETHEUS_TOKEN: 'sekret' }),
      );
      expect(out.status, out.message).toBe('pass');
      expect(seen).toBe('Bearer sekret');
      expect(JSON.stringify(out.evidence)).not.toContain('sekret');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('no metrics source configured', () => {
  it('falls back to manual attestation by the infrastructure role, said plainly (pending)', async () => {
    for (const c of [
      check({ type: 'host_resources', params: { resource: 'cpu_cores' }, expect: { op: '>=', value: 4 } }),
      check({ type: 'prometheus', params: { query: 'up' }, expect: { op: '==', value: 1 } }),
    ]) {
      const out = await run(c, context({}));
      expect(out.status).toBe('pending');
      expect(out.message).toBe(
        'no metrics source configured (GOLIVE_PROMETHEUS_URL is not set): Infrastructure Team (role infrastructure) checks this figure and attests it by hand',
      );
      expect(out.evidence).toMatchObject({ metrics_source: 'none', fallback: 'manual attestation', attest_role: 'infrastructure' });
      expect(out.expected).toEqual([]);
    }
  });

  it('host_resources with source local measures the worker host instead', async () => {
    const cores = await run(check({ type: 'host_resources', params: { resource: 'cpu_cores', source: 'local' }, expect: { op: '>=', value: 1 } }), context({}));
    expect(cores.status, cores.message).toBe('pass');
    expect(cores.observed.cores).toBe(os.availableParallelism());
    const cpu = await run(check({ type: 'host_resources', params: { resource: 'cpu', source: 'local', window: '2s' }, expect: { metric: 'peak_pct', op: '<=', value: 100 } }), context({}));
    expect(cpu.status, cpu.message).toBe('pass');
    expect(cpu.message).toMatch(/^CPU [\d.]+% on average, peak [\d.]+%, low [\d.]+% over the last 2s \(worker host\)/);
    const io = await run(check({ type: 'host_resources', params: { resource: 'io', source: 'local' }, expect: { op: '>', value: 100 } }), context({}));
    expect(io.status).toBe('fail');
    if (!(await localLinkSpeedKnown())) {
      const net = await run(check({ type: 'host_resources', params: { resource: 'network', source: 'local', window: '2s' }, expect: { op: '<', value: 80 } }), context({}));
      expect(net.status).toBe('pending');
      expect(net.message).toContain('no network interface of the worker host reports one');
    }
  });
});

describe('hostPeaksFromPrometheus (for load_test with host_metrics: prometheus)', () => {
  it('reads the CPU and memory peaks over a span that just ended', async () => {
    const end = new Date();
    const ctx = { ...withPrometheus(), timeoutMs: 10_000, signal: new AbortController().signal };
    const peaks = await hostPeaksFromPrometheus(ctx, { start: new Date(end.getTime() - 10_000), end });
    expect(peaks.ok, peaks.ok ? '' : peaks.reason).toBe(true);
    if (!peaks.ok) return;
    expect(peaks.cpuPeakPct).toBeGreaterThanOrEqual(0);
    expect(peaks.cpuPeakPct).toBeLessThanOrEqual(100);
    expect(peaks.memoryPeakPct).toBeGreaterThan(0);
    expect((peaks.evidence.cpu as { time_range: { end: string } }).time_range.end).toBe(end.toISOString());
  });

  it('without Prometheus says so plainly', async () => {
    const peaks = await hostPeaksFromPrometheus({ ...context({}), timeoutMs: 10_000, signal: new AbortController().signal }, { start: new Date(Date.now() - 1000), end: new Date() });
    expect(peaks).toMatchObject({ ok: false, configured: false, reason: expect.stringContaining('no metrics source configured') });
  });
});

describe('samplePrometheus (for the stability window)', () => {
  it('returns the host figures and named queries by name; a figure it cannot read is null with a reason', async () => {
    const queries = sampleQueriesOf([
      { id: 'memory_total', type: 'prometheus', params: { query: 'max(node_memory_MemTotal_bytes{instance="{{instance}}"})' } },
      { id: 'app_errors', type: 'prometheus', params: { query: 'sum(rate(http_requests_total{code=~"5.."}[5m]))', empty_as: 0 } },
      { id: 'ignored', type: 'sql', params: { query: 'select 1' } },
    ]);
    expect(Object.keys(queries)).toEqual(['memory_total', 'app_errors']);
    const sample = await samplePrometheus({
      source: { url: stack.url },
      instance: stack.instance,
      environment: 'staging',
      at: new Date(),
      queries: { ...queries, broken: 'rate(' },
    });
    for (const name of ['cpu_pct', 'memory_pct', 'io_pct']) {
      expect(typeof sample.figures[name], `${name}: ${sample.errors[name]}`).toBe('number');
    }
    expect(sample.figures).toHaveProperty('network_pct');
    expect(Math.abs(sample.figures.memory_total! - os.totalmem()) / os.totalmem()).toBeLessThan(0.01);
    expect(sample.figures.app_errors).toBe(0);
    expect(sample.figures.broken).toBeNull();
    expect(sample.errors.broken).toMatch(/^PromQL error/);
  });

  it('a sample against an unreachable server is all nulls with the reason, never a throw', async () => {
    const sample = await samplePrometheus({ source: { url: 'http://127.0.0.1:1' }, instance: 'x', environment: 'staging', at: new Date() });
    expect(Object.values(sample.figures).every((v) => v === null)).toBe(true);
    expect(sample.errors.cpu_pct).toContain('unreachable');
  });

  it('the host queries are the ones the docs promise', () => {
    expect(NODE_EXPORTER_QUERIES.cpu).toContain('node_cpu_seconds_total');
    expect(NODE_EXPORTER_QUERIES.memory).toContain('node_memory_MemAvailable_bytes');
    expect(NODE_EXPORTER_QUERIES.io).toContain('node_disk_io_time_seconds_total');
    expect(NODE_EXPORTER_QUERIES.network).toContain('node_network_receive_bytes_total');
  });
});
