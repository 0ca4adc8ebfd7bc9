import { writeFileAtomic } from '@buff/core';
import type { ReliabilityBin } from '../evaluation/calibration-error.js';
import { DEFAULT_FRAME, axes, fmt, scales, svgDocument } from './svg.js';

/**
 * A reliability diagram as SVG: one bar per non-empty confidence bin at its accuracy, the
 * diagonal of perfect calibration, and the ECE in the title.
 * @example renderReliabilityDiagram(reliabilityBins(probUp, labels), { title: 'lstm BTC-USD', ece })
 */
export function renderReliabilityDiagram(
  bins: ReliabilityBin[],
  options: { title?: string; ece?: number } = {},
): string {
  const frame = DEFAULT_FRAME;
  const s = scales(frame, 0, 1, 0, 1);
  const body: string[] = [];
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  body.push(...axes(frame, s.x, s.y, ticks, ticks));
  body.push(
    `<line x1="${fmt(s.x(0))}" y1="${fmt(s.y(0))}" x2="${fmt(s.x(1))}" y2="${fmt(s.y(1))}" stroke="#999" stroke-dasharray="4 3"/>`,
  );
  for (const bin of bins) {
    if (bin.count === 0) continue;
    const x = s.x(bin.lower);
    const width = s.x(bin.upper) - x;
    const top = s.y(bin.accuracy);
    body.push(
      `<rect x="${fmt(x + 1)}" y="${fmt(top)}" width="${fmt(width - 2)}" height="${fmt(s.y(0) - top)}" fill="#4878d0" fill-opacity="0.8"><title>${fmt(bin.lower)}-${fmt(bin.upper)}: n=${bin.count}, accuracy ${bin.accuracy.toFixed(3)}, confidence ${bin.confidence.toFixed(3)}</title></rect>`,
    );
    body.push(`<circle cx="${fmt(s.x(bin.confidence))}" cy="${fmt(s.y(bin.confidence))}" r="2.5" fill="#d65f5f"/>`);
  }
  const title = `${options.title ?? 'Reliability'}${options.ece === undefined ? '' : ` (ECE ${options.ece.toFixed(4)})`}`;
  return svgDocument(frame, title, 'confidence (probability of the predicted class)', 'accuracy', body);
}

/**
 * Writes the reliability diagram atomically (e.g. `reports/training/<model>-reliability.svg`).
 * @example writeReliabilityDiagram('reports/training/m1-reliability.svg', bins, { ece: 0.03 })
 */
export function writeReliabilityDiagram(
  path: string,
  bins: ReliabilityBin[],
  options: { title?: string; ece?: number } = {},
): string {
  writeFileAtomic(path, renderReliabilityDiagram(bins, options));
  return path;
}
