import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { freePort, PROMETHEUS_BIN } from '../support/prometheus-stack.js';
import { DBA, seedCp2Run } from '../src/reports/support.js';
import { seedStabilityWindow } from '../src/observability/support.js';

/**
 * The dashboard against a real Prometheus scraping the real web process's
 * /metrics: every panel's query is valid PromQL, and the panels of the
 * seed's "Metrics to Track" show data.
 */

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(readFileSync('grafana/golive-dashboard.json', 'utf8')) as { panels: Panel[] };
const panels = dashboard.panels.filter((p) => p.type !== 'row');
const withData = [
  'Query latency P50 / P95 / P99',
  'Query time vs baseline',
  'Error rate trend',
  'Availability',
  'Connection count',
  'Active queries',
  'Cache hit ratio',
  'Lock wait time',
  'CPU / Memory / I/O utilization',
  'Partition scan distribution',
  'Index usage statistics',
  'Partition pruning',
  'Incident count (running total)',
  'Commands',
  'Decisions',
  'Check duration P95 by type',
  'Sign-offs',
  'Documents generated',
  'State DB readable by /metrics',
];

describe('the Grafana dashboard on a real Prometheus', () => {
  let h: Harness;
  let prometheus: ChildProcess;
  let dir: string;
  let url: string;
  let log = '';

  const query = async (expr: string) => {
    const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) });
    return { status: res.status, json: (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } } };
  };

  beforeAll(async () => {
    h = await startHarness();
    const run = await seedCp2Run(h.core.store, h.core.plans.require('demo'));
    await h.core.store.signoffs.insert({ planId: 'demo', checkpointId: 'cp2', runId: run.id, role: 'dba', userId: DBA, evidenceDigest: run.evidenceDigest!, at: new Date() });
    await h.core.store.incidents.open({ planId: 'demo', severity: 'SEV4', text: 'cosmetic', openedBy: DBA, requestKey: 'dash-1', levels: 1, roles: ['dba'], now: new Date() });
    await h.core.store.pool.query(
      `INSERT INTO reports (run_id, plan_id, checkpoint_id, document_id, title, kind, sha256, file_id, filename, generated_by, generated_at)
       VALUES ($1, 'demo', 'cp2', 'risk_assessment', 'Risk', 'template', $2, 'F1', 'risk.md', $3, now())`,
      [run.id, 'b'.repeat(64), DBA],
    );
    await seedStabilityWindow(h.core.store);
    await h.command('ping', DBA);

    const webPort = (h.server.address() as { port: number }).port;
    const promPort = await freePort();
    dir = await mkdtemp(path.join(os.tmpdir(), 'golive-dash-'));
    await writeFile(
      path.join(dir, 'prometheus.yml'),
      ['global:', '  scrape_interval: 1s', 'scrape_configs:', '  - job_name: golive-web', '    static_configs:', `      - targets: ['127.0.0.1:${webPort}']`, ''].join('\n'),
    );
    prometheus = spawn('timeout', ['--kill-after=5', '600', PROMETHEUS_BIN, `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prometheus.stdout!.on('data', (d) => (log += d));
    prometheus.stderr!.on('data', (d) => (log += d));
    url = `http://127.0.0.1:${promPort}`;
    // A few scrapes, so rate() over them has two points.
    await h.fake.waitFor(
      async () => {
        if (prometheus.exitCode !== null) throw new Error(`prometheus exited:\n${log}`);
        const r = await query('count_over_time(golive_state_metrics_up[5m])').catch(() => undefined);
        const v = (r?.json.data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1];
        return Number(v ?? 0) >= 3;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'three scrapes of golive /metrics' },
    );
  });
  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      await new Promise<void>((resolve) => {
        prometheus.once('exit', () => resolve());
        prometheus.kill('SIGTERM');
      });
    }
    if (dir) await rm(dir, { recursive: true, force: true });
    await h?.close();
  });

  it('has only valid PromQL, and the tracked metrics show data', async () => {
    const empty: string[] = [];
    for (const p of panels) {
      let rows = 0;
      for (const t of p.targets ?? []) {
        const expr = t.expr.replace(/\$plan/g, 'demo').replace(/\$environment/g, '.*');
        const r = await query(expr);
        expect(r.json.status, `${p.title}: ${expr} → ${r.json.error ?? ''}`).toBe('success');
        rows += r.json.data?.result.length ?? 0;
      }
      if (rows === 0) empty.push(p.title);
    }
    expect(empty.filter((t) => withData.includes(t))).toEqual([]);
  });
});
