import { describe, expect, it } from 'vitest';
import { parseCsv } from '@buff/ingest';
import { chronologicalSplit, checkFeatures, computeFeatures, makeLabels } from '@buff/ml';
import { REAL_DATA_DIR } from './helpers/tmp.js';

// Real exchange candles (with real gaps and many flat minutes) through ingest, features, labels, split and the check.
describe.each([
  ['xrp_eth_1m.csv', '1m'],
  ['unittest_btc_5m.csv', '5m'],
] as const)('features on real data: %s', (file, timeframe) => {
  it('are finite past the warmup, pass the feature check, and do not look ahead', async () => {
    const { bars } = await parseCsv(`${REAL_DATA_DIR}${file}`, { symbol: 'REAL-PAIR', timeframe, allowGaps: true });
    const table = computeFeatures(bars);
    const labels = makeLabels(bars, { horizon: 1 });
    const report = checkFeatures(table, labels);
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report.ok).toBe(true);
    // flat bars are never a direction
    let flat = 0;
    for (let t = 0; t + 1 < bars.close.length; t++) if (bars.close[t + 1] === bars.close[t]) flat++;
    expect(labels.valid.reduce((a, b) => a + b, 0)).toBe(bars.close.length - 1 - flat);
    // truncating the future leaves every earlier feature unchanged
    const cut = Math.floor(bars.close.length * 0.6);
    const head = computeFeatures({
      ts: bars.ts.slice(0, cut),
      open: bars.open.slice(0, cut),
      high: bars.high.slice(0, cut),
      low: bars.low.slice(0, cut),
      close: bars.close.slice(0, cut),
      volume: bars.volume.slice(0, cut),
    });
    head.columns.forEach((column, c) =>
      expect(Array.from(column)).toEqual(Array.from(table.columns[c]!.subarray(0, cut))),
    );
    const split = chronologicalSplit(bars.close.length, { window: 32, offset: table.warmup });
    expect(split.val[0] - split.train[1]).toBeGreaterThanOrEqual(32);
  });
});
