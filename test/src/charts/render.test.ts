import { describe, expect, it } from 'vitest';
import { BAR_CHART_SIZE, groupedBarChartSvg } from '../../../src/charts/bar-chart.js';
import { dualAxisChartSvg, LINE_CHART_SIZE } from '../../../src/charts/line-chart.js';
import { readPngHeader } from '../../../src/charts/png.js';
import { renderPng } from '../../../src/charts/render.js';
import { niceTicks } from '../../../src/charts/svg.js';

/** The charts render to PNGs of the size asked for, with resvg and no native build. */
describe('charts', () => {
  it('renders the before/after bar chart as an 800×450 PNG', () => {
    const svg = groupedBarChartSvg({
      title: 'Q latency <before> & after',
      categories: ['Q1', 'Q2', 'Q3'],
      series: [
        { name: 'Before', color: '#999999', values: [2400, 3100, 1850] },
        { name: 'After', color: '#2f7ed8', values: [2040, null, 1702] },
      ],
      yLabel: 'ms',
    });
    // Text is escaped, a missing value is labelled, never drawn as 0.
    expect(svg).toContain('Q latency &lt;before&gt; &amp; after');
    expect(svg).toContain('>n/a</text>');
    const png = renderPng(svg);
    expect(readPngHeader(png)).toEqual({ width: BAR_CHART_SIZE.width, height: BAR_CHART_SIZE.height, bitDepth: 8, colorType: 6 });
  });

  it('renders the throughput/P95 chart as a 900×450 PNG, gaps and all', () => {
    const svg = dualAxisChartSvg({
      title: 'Load test',
      xSeconds: [60, 120, 180, 240],
      left: { name: 'tps', color: '#2f7ed8', unit: 'tps', values: [100, 110, null, 105] },
      right: { name: 'P95', color: '#d9534f', unit: 'ms', values: [200, 210, 205, 220] },
    });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('<circle');
    expect(readPngHeader(renderPng(svg))).toMatchObject({ width: LINE_CHART_SIZE.width, height: LINE_CHART_SIZE.height });
  });

  it('draws text (a font was found): a chart with a title differs from one without', () => {
    const base = { categories: ['Q1'], series: [{ name: 'x', color: '#000000', values: [1] }], yLabel: '' };
    expect(renderPng(groupedBarChartSvg({ ...base, title: 'WWWWWWWWWW' })).equals(renderPng(groupedBarChartSvg({ ...base, title: '' })))).toBe(false);
  });

  it('refuses bytes that are not a PNG', () => {
    expect(readPngHeader(Buffer.from('not a png at all, just some text bytes'))).toBeUndefined();
  });

  it('picks round axis ticks', () => {
    expect(niceTicks(3100)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(niceTicks(187.25)).toEqual([0, 50, 100, 150, 200]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});
