/** A named series of (x, y) points for a line chart. */
export interface LineSeries {
  name: string;
  color: string;
  x: readonly number[];
  y: readonly number[];
}

const W = 720;
const H = 260;
const PAD = { left: 70, right: 16, top: 28, bottom: 36 };
const MAX_POINTS = 600;

/**
 * A line chart as standalone SVG (no script, no fonts beyond the viewer's sans-serif), numbers
 * written with fixed decimals so the same data give the same bytes. Series longer than 600
 * points are thinned evenly (the last point is kept).
 * @example lineChartSvg('Equity', [{ name: 'dry run', color: '#1f77b4', x: ts, y: equity }], formatTime)
 */
export function lineChartSvg(title: string, series: readonly LineSeries[], formatX: (x: number) => string): string {
  const xs = series.flatMap((s) => s.x);
  const ys = series.flatMap((s) => s.y).filter(Number.isFinite);
  if (xs.length === 0 || ys.length === 0) return emptySvg(title);
  const [x0, x1] = extent(xs);
  const [y0, y1] = extent(ys);
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - PAD.top - PAD.bottom);
  const lines = series.map((s, k) => {
    const step = Math.max(1, Math.ceil(s.x.length / MAX_POINTS));
    const points: string[] = [];
    for (let i = 0; i < s.x.length; i += step) points.push(`${f(sx(s.x[i] as number))},${f(sy(s.y[i] as number))}`);
    const last = s.x.length - 1;
    if (last % step !== 0) points.push(`${f(sx(s.x[last] as number))},${f(sy(s.y[last] as number))}`);
    const dash = k > 0 ? ' stroke-dasharray="6 3"' : '';
    return `<polyline fill="none" stroke="${s.color}" stroke-width="1.5"${dash} points="${points.join(' ')}"/>`;
  });
  const legend = series.map(
    (s, k) => `<text x="${PAD.left + 10 + k * 160}" y="${PAD.top - 10}" fill="${s.color}">${escapeXml(s.name)}</text>`,
  );
  const axes = [
    axisText(PAD.left - 6, sy(y1), y1.toFixed(2), 'end'),
    axisText(PAD.left - 6, sy(y0), y0.toFixed(2), 'end'),
    axisText(sx(x0), H - 12, formatX(x0), 'start'),
    axisText(sx(x1), H - 12, formatX(x1), 'end'),
  ];
  return frame(title, [...axes, ...lines, ...legend]);
}

/** Groups of bars (one bar per series in each group), e.g. tier shares or signals per day. */
export function barChartSvg(
  title: string,
  groups: readonly string[],
  series: ReadonlyArray<{ name: string; color: string; values: readonly number[] }>,
): string {
  const max = Math.max(0, ...series.flatMap((s) => s.values.filter(Number.isFinite)));
  if (groups.length === 0) return emptySvg(title);
  const groupWidth = (W - PAD.left - PAD.right) / groups.length;
  const barWidth = (groupWidth * 0.8) / Math.max(1, series.length);
  const sy = (v: number) => ((Number.isFinite(v) ? v : 0) / (max || 1)) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [axisText(PAD.left - 6, PAD.top + 4, max.toFixed(max < 10 ? 1 : 0), 'end')];
  groups.forEach((group, g) => {
    const gx = PAD.left + g * groupWidth + groupWidth * 0.1;
    series.forEach((s, k) => {
      const h = sy(s.values[g] ?? 0);
      parts.push(
        `<rect x="${f(gx + k * barWidth)}" y="${f(H - PAD.bottom - h)}" width="${f(barWidth - 1)}" height="${f(h)}" fill="${s.color}"/>`,
      );
    });
    parts.push(axisText(gx + (groupWidth * 0.8) / 2, H - 12, group, 'middle'));
  });
  series.forEach((s, k) =>
    parts.push(
      `<text x="${PAD.left + 10 + k * 160}" y="${PAD.top - 10}" fill="${s.color}">${escapeXml(s.name)}</text>`,
    ),
  );
  return frame(title, parts);
}

function frame(title: string, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="14" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`,
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#888"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#888"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function emptySvg(title: string): string {
  return frame(title, [`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text>`]);
}

function axisText(x: number, y: number, text: string, anchor: 'start' | 'middle' | 'end'): string {
  return `<text x="${f(x)}" y="${f(y)}" text-anchor="${anchor}" fill="#444">${escapeXml(text)}</text>`;
}

function extent(values: readonly number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function f(n: number): string {
  return n.toFixed(1);
}

/** Escapes text for SVG/XML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
