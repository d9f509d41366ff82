import { describe, expect, it } from 'vitest';
import { episodesAbove, utilisationFigures } from '../../../src/checks/host-figures.js';
import { infrastructureRole, isManualFallback, manualFallback } from '../../../src/checks/manual-fallback.js';
import { parseSampleValue } from '../../../src/checks/prometheus-client.js';
import { chooseStepS, rateIntervalFor, reduceSeries, renderQuery, seriesEvidence } from '../../../src/checks/promql.js';

/** The pure parts of the Prometheus checks: placeholders, reduction, episodes. */

describe('renderQuery', () => {
  it('fills in {{instance}} quoted for a PromQL string and {{rate_interval}}', () => {
    const r = renderQuery('rate(x{instance="{{instance}}"}[{{ rate_interval }}])', { instance: 'db"1\\:9100', rateIntervalS: 120, environment: 'staging' });
    expect(r).toEqual({ query: 'rate(x{instance="db\\"1\\\\:9100"}[120s])' });
  });

  it('names the environment when its instance is missing, and unknown placeholders', () => {
    expect(renderQuery('up{instance="{{instance}}"}', { rateIntervalS: 60, environment: 'production' })).toEqual({
      problem: expect.stringContaining('set environments.production.prometheus_instance'),
    });
    expect(renderQuery('up{job="{{job}}"}', { instance: 'a', rateIntervalS: 60, environment: 'staging' })).toEqual({
      problem: 'the query uses {{job}}; known placeholders: {{instance}}, {{rate_interval}}',
    });
  });

  it('picks whole-second steps near 720 points and a rate window of at least 1m', () => {
    expect(chooseStepS(15_000)).toBe(1);
    expect(chooseStepS(2 * 3_600_000)).toBe(10);
    expect(chooseStepS(48 * 3_600_000)).toBe(240);
    expect(rateIntervalFor(undefined)).toBe(60);
    expect(rateIntervalFor(240)).toBe(240);
  });
});

describe('reduceSeries', () => {
  const a = { labels: { device: 'sda' }, points: [[1, 10], [2, 30], [3, NaN]] as [number, number][] };
  const b = { labels: { device: 'sdb' }, points: [[1, 50], [2, Infinity]] as [number, number][] };

  it('pools finite values of every series for min, max and avg, and counts what it dropped', () => {
    expect(reduceSeries([a, b], 'max')).toEqual({ kind: 'value', value: 50, points: 3, dropped: 2 });
    expect(reduceSeries([a, b], 'min')).toMatchObject({ value: 10 });
    expect(reduceSeries([a, b], 'avg')).toMatchObject({ value: 30 });
  });

  it('last needs one series', () => {
    expect(reduceSeries([a], 'last')).toMatchObject({ kind: 'value', value: 30 });
    expect(reduceSeries([a, b], 'last')).toMatchObject({ kind: 'problem', problem: expect.stringContaining('returned 2 series ({device="sda"}, {device="sdb"})') });
  });

  it('no finite value is empty', () => {
    expect(reduceSeries([], 'avg')).toEqual({ kind: 'empty', dropped: 0 });
    expect(reduceSeries([{ labels: {}, points: [[1, NaN]] }], 'max')).toEqual({ kind: 'empty', dropped: 1 });
  });

  it('reads Prometheus spellings of infinity', () => {
    expect(parseSampleValue('+Inf')).toBe(Infinity);
    expect(parseSampleValue('-Inf')).toBe(-Infinity);
    expect(parseSampleValue('NaN')).toBeNaN();
    expect(parseSampleValue('1e3')).toBe(1000);
  });
});

describe('seriesEvidence', () => {
  it('caps the series and thins the points', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({
      labels: { cpu: String(i) },
      points: Array.from({ length: 100 }, (_, t) => [1_700_000_000 + t, t] as [number, number]),
    }));
    const ev = seriesEvidence(many);
    expect(ev.series).toHaveLength(10);
    expect(ev.series_total).toBe(12);
    expect(ev.series_capped).toBe(true);
    expect(ev.series[0]!.values).toHaveLength(30);
    expect(ev.series[0]!.values[0]).toEqual(['2023-11-14T22:13:20.000Z', 0]);
    expect(ev.series[0]!.values[29]![1]).toBe(99);
    expect(ev.series[0]).toMatchObject({ points: 100, min: 0, max: 99, avg: 49.5, last: 99, thinned: true });
  });
});

describe('utilisation figures and sustained episodes', () => {
  it('a window reports its average as the value; an instant reading its one point', () => {
    expect(utilisationFigures([[1, 20], [2, 40], [3, 60]], true)).toEqual({ value: 40, avg_pct: 40, peak_pct: 60, min_pct: 20 });
    expect(utilisationFigures([[1, 33]], false)).toEqual({ value: 33, avg_pct: 33, peak_pct: 33, min_pct: 33 });
    expect(utilisationFigures([], true)).toEqual({ value: null, avg_pct: null, peak_pct: null, min_pct: null });
  });

  it('counts stretches above a threshold that last long enough; a gap in the data ends a stretch', () => {
    const pts: [number, number][] = [
      [0, 90], [10, 95], [20, 91], // 30 s above
      [30, 50],
      [40, 99], // 10 s above
      [50, 40],
      [60, 92], [70, 93], [100, 94], [110, 95], // gap at 80-90: 20 s, then 20 s
    ];
    expect(episodesAbove(pts, 85, 10, 30_000)).toEqual({ longestMs: 30_000, episodes: 1, peak: 99 });
    expect(episodesAbove(pts, 85, 10, 10_000)).toEqual({ longestMs: 30_000, episodes: 4, peak: 99 });
    expect(episodesAbove(pts, 100, 10, 1)).toEqual({ longestMs: 0, episodes: 0, peak: 99 });
  });
});

describe('manual fallback', () => {
  it('names the infrastructure role the plan has, and is recognisable when stored', () => {
    expect(infrastructureRole({ roles: { dba: { title: 'DBA' }, infra: { title: 'Infrastructure Team' } } })).toEqual({ id: 'infra', title: 'Infrastructure Team' });
    expect(infrastructureRole({ roles: { dba: { title: 'DBA' } } })).toBeUndefined();
    const out = manualFallback({ roles: { dba: { title: 'DBA' } } }, 'no metrics source configured (GOLIVE_PROMETHEUS_URL is not set)', { query: 'up' });
    expect(out.message).toBe('no metrics source configured (GOLIVE_PROMETHEUS_URL is not set): the infrastructure team checks this figure and attests it by hand');
    expect(isManualFallback(out)).toBe(true);
    expect(isManualFallback({ status: 'pending', evidence: {} })).toBe(false);
    expect(isManualFallback({ status: 'error', evidence: out.evidence })).toBe(false);
  });
});
