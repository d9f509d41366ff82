export { groupedBarChartSvg, BAR_CHART_SIZE, type GroupedBarChart, type BarSeries } from './bar-chart.js';
export { dualAxisChartSvg, LINE_CHART_SIZE, type DualAxisChart, type TimeSeries } from './line-chart.js';
export { renderPng } from './render.js';
export { readPngHeader, PNG_SIGNATURE, type PngHeader } from './png.js';
