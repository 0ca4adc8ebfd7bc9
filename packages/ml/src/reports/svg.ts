/** Small SVG building blocks shared by the report charts (deterministic text output). */

/** Escapes text for SVG/XML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number rounded for coordinates (stable across platforms). */
export function fmt(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '0';
}

/** Plot area inside an SVG of the given size, with margins for axes and labels. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const DEFAULT_FRAME: Frame = { width: 480, height: 360, left: 56, right: 16, top: 36, bottom: 44 };

/** Maps data x in [x0, x1] and y in [y0, y1] to pixel coordinates in the frame. */
export function scales(
  frame: Frame,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
): { x: (v: number) => number; y: (v: number) => number } {
  const w = frame.width - frame.left - frame.right;
  const h = frame.height - frame.top - frame.bottom;
  return {
    x: (v) => frame.left + ((v - x0) / (x1 - x0 || 1)) * w,
    y: (v) => frame.top + h - ((v - y0) / (y1 - y0 || 1)) * h,
  };
}

/** The SVG document around `body`, with a title and axis labels. */
export function svgDocument(frame: Frame, title: string, xLabel: string, yLabel: string, body: string[]): string {
  const { width, height } = frame;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`,
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text x="14" y="${height / 2}" text-anchor="middle" transform="rotate(-90 14 ${height / 2})">${escapeXml(yLabel)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Axis lines with tick labels at the given data values. */
export function axes(
  frame: Frame,
  sx: (v: number) => number,
  sy: (v: number) => number,
  xTicks: number[],
  yTicks: number[],
): string[] {
  const out: string[] = [];
  const x0 = frame.left;
  const y0 = frame.height - frame.bottom;
  out.push(`<line x1="${x0}" y1="${y0}" x2="${frame.width - frame.right}" y2="${y0}" stroke="black"/>`);
  out.push(`<line x1="${x0}" y1="${frame.top}" x2="${x0}" y2="${y0}" stroke="black"/>`);
  for (const t of xTicks)
    out.push(`<text x="${fmt(sx(t))}" y="${y0 + 14}" text-anchor="middle">${escapeXml(tickLabel(t))}</text>`);
  for (const t of yTicks)
    out.push(`<text x="${x0 - 4}" y="${fmt(sy(t) + 4)}" text-anchor="end">${escapeXml(tickLabel(t))}</text>`);
  return out;
}

function tickLabel(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
