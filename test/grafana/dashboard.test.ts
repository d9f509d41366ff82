import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { DEMO_ENVIRONMENT_DEFAULTS } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { parsePromText, seriesNamesOf } from '../../src/observability/prom-text.js';
import { registerStateMetrics } from '../../src/observability/state-metrics.js';
import { loadPlanRegistry } from '../../src/plan-registry.js';
import { createTestStateDb, type TestStateDb } from '../support/state-db.js';

/**
 * grafana/golive-dashboard.json: it parses, it has a panel for each of the
 * seed's "Metrics to Track" and for golive's own figures, and every series
 * a panel queries is one golive's /metrics exposes (read from a real scrape
 * of a web registry).
 */

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr: string; refId: string }[];
  panels?: Panel[];
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'inf', 'nan']);

/** Metric names a PromQL expression reads: identifiers outside strings, label sets, groupings and ranges that are not function calls. */
function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names: string[] = [];
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const after = stripped.slice(m.index! + word.length).trimStart();
    if (after.startsWith('(') || PROMQL_WORDS.has(word.toLowerCase())) continue;
    if (/^\d/.test(word)) continue;
    names.push(word);
  }
  return names;
}

describe('grafana/golive-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync('grafana/golive-dashboard.json', 'utf8')) as {
    uid: string;
    panels: Panel[];
    templating: { list: { name: string; type: string; definition?: string }[] };
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
  let stateDb: TestStateDb;
  let exported: Set<string>;

  beforeAll(async () => {
    stateDb = await createTestStateDb('grafana');
    const metrics = createMetrics({ process: 'web', defaultMetrics: false });
    const plans = await loadPlanRegistry({ planFiles: ['plans/demo.yaml'], rolesFile: 'roles.example.yaml', environments: DEMO_ENVIRONMENT_DEFAULTS });
    registerStateMetrics(metrics.registry, { pool: stateDb.pool, plans, clock: systemClock, logger: silentLogger() });
    const families = parsePromText(await metrics.registry.metrics());
    exported = new Set([...families.values()].flatMap((f) => seriesNamesOf(f)));
  });
  afterAll(async () => {
    await stateDb?.drop();
  });

  it('is the dashboard the OPT1 plan checks for (uid opt1-golive)', () => {
    expect(dashboard.uid).toBe('opt1-golive');
    expect(panels.length).toBeGreaterThan(10);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
  });

  it('has a panel for each metric the seed tracks and for golive’s own figures', () => {
    const titles = panels.map((p) => p.title);
    for (const title of [
      'Query latency P50 / P95 / P99',
      'Error rate trend',
      'Connection count',
      'Active queries',
      'Cache hit ratio',
      'Lock wait time',
      'CPU / Memory / I/O utilization',
      'Partition scan distribution',
      'Index usage statistics',
      'Incident count (running total)',
      'Commands',
      'Jobs by outcome',
      'Decisions',
      'Check duration P95 by type',
      'Sign-offs',
    ]) {
      expect(titles).toContain(title);
    }
  });

  it('queries only series golive exports, in every panel and variable', () => {
    expect(exported.has('golive_stability_query_latency_ms')).toBe(true);
    for (const p of panels) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) {
        const names = metricNamesIn(t.expr);
        expect(names.length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
        for (const name of names) expect(exported.has(name), `${p.title} queries ${name}`).toBe(true);
      }
    }
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
      const inner = /label_values\((.*),\s*\w+\)/.exec(v.definition ?? '')?.[1] ?? '';
      for (const name of metricNamesIn(inner)) expect(exported.has(name), `variable ${v.name} queries ${name}`).toBe(true);
    }
  });

  it('reads metric names out of PromQL', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le, job) (rate(golive_job_duration_seconds_bucket{job="x"}[5m])))')).toEqual(['golive_job_duration_seconds_bucket']);
    expect(metricNamesIn('sum(a{plan=~"$plan"}) - sum without (x) (b)')).toEqual(['a', 'b']);
  });
});
