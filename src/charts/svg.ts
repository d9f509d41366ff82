/**
 * The few SVG pieces golive's charts need, as strings. Text is escaped;
 * numbers are rounded so the same data always gives the same bytes (a
 * report's digest must not change with floating-point noise).
 */

export const FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', sans-serif";

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A coordinate or size, two decimals at most. */
export function n(value: number): string {
  const r = Math.round(value * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

export function svgDocument(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}

export function text(x: number, y: number, content: string, options: { size?: number; anchor?: 'start' | 'middle' | 'end'; color?: string; weight?: 'bold'; rotate?: number } = {}): string {
  const transform = options.rotate ? ` transform="rotate(${options.rotate} ${n(x)} ${n(y)})"` : '';
  return (
    `<text x="${n(x)}" y="${n(y)}" font-size="${options.size ?? 12}" text-anchor="${options.anchor ?? 'start'}" fill="${options.color ?? '#222222'}"` +
    `${options.weight ? ` font-weight="${options.weight}"` : ''}${transform}>${escapeXml(content)}</text>`
  );
}

export function line(x1: number, y1: number, x2: number, y2: number, color = '#cccccc', width = 1, dash?: string): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
}

export function rect(x: number, y: number, width: number, height: number, fill: string): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, width))}" height="${n(Math.max(0, height))}" fill="${fill}"/>`;
}

export function polyline(points: readonly [number, number][], color: string, width = 2): string {
  return `<polyline fill="none" stroke="${color}" stroke-width="${width}" stroke-linejoin="round" points="${points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}"/>`;
}

export function circle(x: number, y: number, r: number, fill: string): string {
  return `<circle cx="${n(x)}" cy="${n(y)}" r="${n(r)}" fill="${fill}"/>`;
}

/**
 * Round axis ticks from 0 (or `min`) to at least `max`: steps of 1, 2, 2.5
 * or 5 times a power of ten, about `count` of them.
 */
export function niceTicks(max: number, count = 5, min = 0): number[] {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return [min, min + 1];
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power);
  const ticks: number[] = [];
  const first = Math.floor(min / step) * step;
  for (let v = first; v < max + step - step * 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

/** A tick label: thousands grouped, at most two decimals. */
export function tickLabel(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 || Number.isInteger(value) ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}
