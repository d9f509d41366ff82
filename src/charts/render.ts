import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Resvg as ResvgClass } from '@resvg/resvg-js';

/**
 * SVG to PNG with resvg (@resvg/resvg-js): a Rust renderer shipped as
 * prebuilt binaries in per-platform npm packages, so nothing compiles at
 * install time and no install script runs. Text needs a font: DejaVu Sans
 * (Debian's fonts-dejavu-core) when present, otherwise whatever the system
 * has.
 *
 * The binding is loaded on first use, not at import: a process that never
 * renders a chart (web) starts even on a platform without a prebuilt binary,
 * and a report there fails with the reason instead.
 */

const PREFERRED_FONTS = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'];

let Resvg: typeof ResvgClass | undefined;

export function renderPng(svg: string): Buffer {
  Resvg ??= (createRequire(import.meta.url)('@resvg/resvg-js') as { Resvg: typeof ResvgClass }).Resvg;
  const fontFiles = PREFERRED_FONTS.filter((f) => existsSync(f));
  const resvg = new Resvg(svg, {
    font: {
      fontFiles,
      // Scanning the system's fonts costs time; only needed when DejaVu is missing.
      loadSystemFonts: fontFiles.length === 0,
      defaultFontFamily: fontFiles.length > 0 ? 'DejaVu Sans' : '',
    },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
