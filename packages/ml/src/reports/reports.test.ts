import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reliabilityBins } from '../evaluation/calibration-error.js';
import { renderReliabilityDiagram, writeReliabilityDiagram } from './reliability-diagram.js';
import { renderTrainingCurves, writeTrainingCurves } from './training-curves.js';

const dir = mkdtempSync(join(tmpdir(), 'buff-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report SVGs', () => {
  const bins = reliabilityBins([0.9, 0.8, 0.7, 0.2, 0.55], [1, 1, 0, 0, 1]);

  it('reliability diagram: one bar per non-empty bin, the diagonal, the ECE in the title', () => {
    const svg = renderReliabilityDiagram(bins, { title: 'lstm <BTC>', ece: 0.1234 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect x=/g)).toHaveLength(bins.filter((b) => b.count > 0).length);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('lstm &lt;BTC&gt; (ECE 0.1234)');
    expect(renderReliabilityDiagram(bins)).toBe(renderReliabilityDiagram(bins));
  });

  it('training curves: a polyline per series present', () => {
    const svg = renderTrainingCurves([
      { epoch: 1, loss: 0.69, valLoss: 0.7 },
      { epoch: 2, loss: 0.6, valLoss: 0.65 },
    ]);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
  });

  it('writes files under reports/training/', () => {
    const a = writeReliabilityDiagram(join(dir, 'reports', 'training', 'm-reliability.svg'), bins);
    const b = writeTrainingCurves(join(dir, 'reports', 'training', 'm-curves.svg'), [{ epoch: 1, loss: 1 }]);
    expect(readFileSync(a, 'utf8')).toContain('</svg>');
    expect(readFileSync(b, 'utf8')).toContain('</svg>');
  });
});
