import { circle, line, niceTicks, polyline, rect, svgDocument, text, tickLabel } from './svg.js';

/**
 * Two series over time on one chart with an axis each (throughput on the
 * left, P95 latency on the right): the load test's "consistent, no
 * degradation" in one picture. Points without a value break the line.
 */

export interface TimeSeries {
  name: string;
  color: string;
  /** Axis title, e.g. "transactions/s". */
  unit: string;
  values: readonly (number | null)[];
}

export interface DualAxisChart {
  title: string;
  subtitle?: string | undefined;
  /** x of each point, in seconds from the start. */
  xSeconds: readonly number[];
  left: TimeSeries;
  right: TimeSeries;
  width?: number;
  height?: number;
}

export const LINE_CHART_SIZE = { width: 900, height: 450 } as const;

export function dualAxisChartSvg(chart: DualAxisChart): string {
  const width = chart.width ?? LINE_CHART_SIZE.width;
  const height = chart.height ?? LINE_CHART_SIZE.height;
  const plot = { left: 80, right: width - 80, top: chart.subtitle ? 78 : 60, bottom: height - 80 };
  const maxX = Math.max(1, ...chart.xSeconds);
  const x = (s: number) => plot.left + (s / maxX) * (plot.right - plot.left);
  const axis = (series: TimeSeries) => {
    const finite = series.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const ticks = niceTicks(Math.max(1, ...finite));
    const top = ticks[ticks.length - 1]!;
    return { ticks, y: (v: number) => plot.bottom - (v / top) * (plot.bottom - plot.top) };
  };
  const left = axis(chart.left);
  const right = axis(chart.right);

  const body: string[] = [text(width / 2, 28, chart.title, { size: 18, anchor: 'middle', weight: 'bold' })];
  if (chart.subtitle) body.push(text(width / 2, 50, chart.subtitle, { size: 12, anchor: 'middle', color: '#555555' }));
  for (const t of left.ticks) {
    body.push(line(plot.left, left.y(t), plot.right, left.y(t), '#e3e3e3'));
    body.push(text(plot.left - 8, left.y(t) + 4, tickLabel(t), { size: 11, anchor: 'end', color: chart.left.color }));
  }
  for (const t of right.ticks) body.push(text(plot.right + 8, right.y(t) + 4, tickLabel(t), { size: 11, color: chart.right.color }));
  body.push(line(plot.left, plot.top, plot.left, plot.bottom, '#888888'));
  body.push(line(plot.right, plot.top, plot.right, plot.bottom, '#888888'));
  body.push(line(plot.left, plot.bottom, plot.right, plot.bottom, '#888888'));
  body.push(text(22, (plot.top + plot.bottom) / 2, chart.left.unit, { size: 12, anchor: 'middle', rotate: -90, color: chart.left.color }));
  body.push(text(width - 18, (plot.top + plot.bottom) / 2, chart.right.unit, { size: 12, anchor: 'middle', rotate: 90, color: chart.right.color }));

  for (const t of niceTicks(maxX, 6)) {
    if (t > maxX) continue;
    body.push(line(x(t), plot.bottom, x(t), plot.bottom + 5, '#888888'));
    body.push(text(x(t), plot.bottom + 18, timeLabel(t, maxX), { size: 11, anchor: 'middle', color: '#555555' }));
  }
  body.push(text((plot.left + plot.right) / 2, plot.bottom + 38, maxX >= 120 ? 'time since start (min)' : 'time since start (s)', { size: 12, anchor: 'middle' }));

  for (const [series, scale] of [[chart.left, left], [chart.right, right]] as const) {
    for (const segment of segments(chart.xSeconds, series.values)) {
      const points = segment.map(([s, v]) => [x(s), scale.y(v)] as [number, number]);
      if (points.length === 1) body.push(circle(points[0]![0], points[0]![1], 3, series.color));
      else body.push(polyline(points, series.color));
    }
  }

  const legend = [chart.left, chart.right];
  legend.forEach((s, i) => {
    const lx = width / 2 - 180 + i * 200;
    body.push(rect(lx, height - 28, 14, 14, s.color));
    body.push(text(lx + 20, height - 16, s.name, { size: 12 }));
  });
  return svgDocument(width, height, body);
}

/** Runs of consecutive points that have a value. */
function segments(xs: readonly number[], values: readonly (number | null)[]): [number, number][][] {
  const out: [number, number][][] = [];
  let current: [number, number][] = [];
  xs.forEach((s, i) => {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) current.push([s, v]);
    else if (current.length) {
      out.push(current);
      current = [];
    }
  });
  if (current.length) out.push(current);
  return out;
}

function timeLabel(seconds: number, maxX: number): string {
  return maxX >= 120 ? tickLabel(Math.round((seconds / 60) * 10) / 10) : tickLabel(seconds);
}
