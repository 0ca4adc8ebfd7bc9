import { html, type SafeHtml } from './html.js';

/** One line of a plot: x/y columns (same length), a legend label. */
export interface PlotSeries {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Options of {@link linePlot}. */
export interface LinePlotOptions {
  id?: string;
  title: string;
  /** Text of an x tick (e.g. a date for epoch-ms, the number for epochs). */
  xTick?: (x: number) => string;
  yTick?: (y: number) => string;
  /** Points per series at most (min and max of each bucket kept, so spikes stay visible). */
  maxPoints?: number;
}

const W = 640;
const H = 280;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

/**
 * Indices of a min/max-per-bucket thinning of `y` to about `maxPoints` points (all when fewer):
 * every bucket keeps its lowest and highest point, in x order, plus the first and last point.
 * @example thinIndices([1, 5, 2, 8], 100) // [0, 1, 2, 3]
 */
export function thinIndices(y: ArrayLike<number>, maxPoints: number): number[] {
  const n = y.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const out: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if ((y[i] as number) < (y[lo] as number)) lo = i;
      if ((y[i] as number) > (y[hi] as number)) hi = i;
    }
    out.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  out.push(n - 1);
  return [...new Set(out)].sort((a, b) => a - b);
}

function extent(values: number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

const fmt = (v: number): string => String(Math.round(v * 10) / 10);

/**
 * A line plot as inline SVG (no script; colours from pages.css classes `s0`..`s4`, so it follows
 * dark mode), with a legend list under it. Long series are thinned per bucket (min and max kept).
 * @example linePlot([{ label: 'loss', x: [1, 2], y: [0.7, 0.6] }], { title: 'Training loss' })
 */
export function linePlot(series: PlotSeries[], options: LinePlotOptions): SafeHtml {
  const maxPoints = options.maxPoints ?? 600;
  const kept = series.map((s) => thinIndices(s.y, maxPoints).map((i) => [s.x[i] as number, s.y[i] as number]));
  const [x0, x1] = extent(kept.flatMap((points) => points.map((p) => p[0] as number)));
  const [y0, y1] = extent(kept.flatMap((points) => points.map((p) => p[1] as number)));
  const sx = (x: number): number => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number): number => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const xTick = options.xTick ?? ((x: number) => String(x));
  const yTick = options.yTick ?? ((y: number) => y.toPrecision(3));
  const ticks = [0, 0.5, 1];
  const grid = ticks.map((t) => {
    const y = y0 + t * (y1 - y0);
    return html`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${fmt(sy(y))}" y2="${fmt(sy(y))}"/><text x="${PAD.left - 4}" y="${fmt(sy(y) + 4)}" text-anchor="end">${yTick(y)}</text>`;
  });
  const xLabels = ticks.map((t) => {
    const x = x0 + t * (x1 - x0);
    const anchor = t === 0 ? 'start' : t === 1 ? 'end' : 'middle';
    return html`<text x="${fmt(sx(x))}" y="${H - 8}" text-anchor="${anchor}">${xTick(x)}</text>`;
  });
  const lines = kept.map(
    (points, i) =>
      html`<polyline class="series s${i % 5}" points="${points.map(([x, y]) => `${fmt(sx(x as number))},${fmt(sy(y as number))}`).join(' ')}"><title>${series[i]?.label}</title></polyline>`,
  );
  const legend = series.map((s, i) => html`<li class="s${i % 5}">${s.label}</li>`);
  return html`<figure${options.id ? html` id="${options.id}"` : ''}><svg class="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="${options.title}" xmlns="http://www.w3.org/2000/svg">${grid}<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${H - PAD.bottom}"/>${xLabels}${lines}</svg><figcaption><strong>${options.title}</strong><ul class="legend">${legend}</ul></figcaption></figure>`;
}
