import { writeFileAtomic } from '@buff/core';
import { DEFAULT_FRAME, axes, escapeXml, fmt, scales, svgDocument } from './svg.js';

/** Per-epoch figures from training; any series left out is not drawn. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  valLoss?: number;
  accuracy?: number;
  valAccuracy?: number;
}

const SERIES: Array<{ key: keyof EpochRecord; color: string }> = [
  { key: 'loss', color: '#4878d0' },
  { key: 'valLoss', color: '#d65f5f' },
  { key: 'accuracy', color: '#6acc64' },
  { key: 'valAccuracy', color: '#956cb4' },
];

/**
 * Training curves as SVG: loss / validation loss (and accuracies when given) per epoch.
 * @example renderTrainingCurves([{ epoch: 1, loss: 0.69, valLoss: 0.68 }], { title: 'lstm' })
 */
export function renderTrainingCurves(history: EpochRecord[], options: { title?: string } = {}): string {
  const frame = DEFAULT_FRAME;
  const values = history.flatMap((r) =>
    SERIES.map(({ key }) => r[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)),
  );
  const yMax = values.length ? Math.max(...values) : 1;
  const yMin = values.length ? Math.min(0, ...values) : 0;
  const lastEpoch = history.length ? Math.max(...history.map((r) => r.epoch)) : 1;
  const firstEpoch = history.length ? Math.min(...history.map((r) => r.epoch)) : 0;
  const s = scales(frame, firstEpoch, Math.max(lastEpoch, firstEpoch + 1), yMin, yMax);
  const body = axes(frame, s.x, s.y, [firstEpoch, lastEpoch], [yMin, yMax]);
  SERIES.forEach(({ key, color }, i) => {
    const points = history
      .filter((r) => typeof r[key] === 'number' && Number.isFinite(r[key]))
      .map((r) => `${fmt(s.x(r.epoch))},${fmt(s.y(r[key] as number))}`);
    if (points.length === 0) return;
    body.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points.join(' ')}"/>`);
    body.push(
      `<text x="${frame.width - frame.right - 4}" y="${frame.top + 12 + 13 * i}" text-anchor="end" fill="${color}">${escapeXml(String(key))}</text>`,
    );
  });
  return svgDocument(frame, options.title ?? 'Training curves', 'epoch', 'value', body);
}

/**
 * Writes the training curves atomically (e.g. `reports/training/<model>-curves.svg`).
 * @example writeTrainingCurves('reports/training/m1-curves.svg', history)
 */
export function writeTrainingCurves(path: string, history: EpochRecord[], options: { title?: string } = {}): string {
  writeFileAtomic(path, renderTrainingCurves(history, options));
  return path;
}
