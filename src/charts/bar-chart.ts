import { line, niceTicks, rect, svgDocument, text, tickLabel } from './svg.js';

/**
 * Grouped bars: one group per category (Q1, Q2, Q3), one bar per series
 * (before, after). A missing value leaves a gap labelled "n/a", never a
 * zero-height bar that could be read as 0 ms.
 */

export interface BarSeries {
  name: string;
  color: string;
  values: readonly (number | null)[];
}

export interface GroupedBarChart {
  title: string;
  subtitle?: string | undefined;
  categories: readonly string[];
  series: readonly BarSeries[];
  /** Axis title, e.g. "median latency (ms)". */
  yLabel: string;
  /** A note under each group (e.g. "-15.0 %"), aligned with categories. */
  notes?: readonly (string | undefined)[] | undefined;
  width?: number;
  height?: number;
}

export const BAR_CHART_SIZE = { width: 800, height: 450 } as const;

export function groupedBarChartSvg(chart: GroupedBarChart): string {
  const width = chart.width ?? BAR_CHART_SIZE.width;
  const height = chart.height ?? BAR_CHART_SIZE.height;
  const plot = { left: 80, right: width - 30, top: chart.subtitle ? 78 : 60, bottom: height - 80 };
  const values = chart.series.flatMap((s) => s.values).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const ticks = niceTicks(Math.max(1, ...values));
  const top = ticks[ticks.length - 1]!;
  const y = (v: number) => plot.bottom - (v / top) * (plot.bottom - plot.top);
  const body: string[] = [text(width / 2, 28, chart.title, { size: 18, anchor: 'middle', weight: 'bold' })];
  if (chart.subtitle) body.push(text(width / 2, 50, chart.subtitle, { size: 12, anchor: 'middle', color: '#555555' }));

  for (const t of ticks) {
    body.push(line(plot.left, y(t), plot.right, y(t), '#e3e3e3'));
    body.push(text(plot.left - 8, y(t) + 4, tickLabel(t), { size: 11, anchor: 'end', color: '#555555' }));
  }
  body.push(line(plot.left, plot.top, plot.left, plot.bottom, '#888888'));
  body.push(line(plot.left, plot.bottom, plot.right, plot.bottom, '#888888'));
  body.push(text(22, (plot.top + plot.bottom) / 2, chart.yLabel, { size: 12, anchor: 'middle', rotate: -90, color: '#333333' }));

  const groups = Math.max(1, chart.categories.length);
  const groupWidth = (plot.right - plot.left) / groups;
  const barWidth = Math.min(70, (groupWidth * 0.7) / Math.max(1, chart.series.length));
  chart.categories.forEach((category, gi) => {
    const groupStart = plot.left + gi * groupWidth + (groupWidth - barWidth * chart.series.length) / 2;
    chart.series.forEach((s, si) => {
      const x = groupStart + si * barWidth;
      const v = s.values[gi];
      if (typeof v === 'number' && Number.isFinite(v)) {
        body.push(rect(x + 2, y(v), barWidth - 4, plot.bottom - y(v), s.color));
        body.push(text(x + barWidth / 2, y(v) - 5, tickLabel(v), { size: 11, anchor: 'middle' }));
      } else {
        body.push(text(x + barWidth / 2, plot.bottom - 6, 'n/a', { size: 11, anchor: 'middle', color: '#999999' }));
      }
    });
    const centre = plot.left + gi * groupWidth + groupWidth / 2;
    body.push(text(centre, plot.bottom + 20, category, { size: 13, anchor: 'middle' }));
    const note = chart.notes?.[gi];
    if (note) body.push(text(centre, plot.bottom + 38, note, { size: 12, anchor: 'middle', color: '#444444' }));
  });

  // Legend, bottom centre.
  const legendWidth = chart.series.length * 170;
  chart.series.forEach((s, si) => {
    const x = width / 2 - legendWidth / 2 + si * 170;
    body.push(rect(x, height - 28, 14, 14, s.color));
    body.push(text(x + 20, height - 16, s.name, { size: 12 }));
  });
  return svgDocument(width, height, body);
}
