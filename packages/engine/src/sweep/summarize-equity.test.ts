import { describe, expect, it } from 'vitest';
import type { SegmentStats } from './segment-stats.js';
import { equityReturns, segmentEdges, summarizeCell } from './sweep-cell-metrics.js';
import { summarizeEquity } from './summarize-equity.js';
import { walkForwardFolds } from './walk-forward.js';

/** An equity curve of `n` points: a seeded random walk, with flat runs and one ruined stretch when asked. */
function curve(n: number, seed: number, ruined = false): Float64Array {
  const out = new Float64Array(n);
  let state = seed;
  let value = 100_000;
  for (let t = 0; t < n; t++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const u = state / 2147483648;
    if (u > 0.3) value *= 1 + (u - 0.65) * 1e-3; // otherwise flat
    out[t] = ruined && t > n / 2 && t < n / 2 + 5 ? 0 : value;
  }
  return out;
}

const same = (a: SegmentStats[], b: SegmentStats[]): boolean =>
  a.length === b.length &&
  a.every((s, i) => {
    const o = b[i] as SegmentStats;
    return Object.is(s.n, o.n) && Object.is(s.mean, o.mean) && Object.is(s.m2, o.m2) && Object.is(s.growth, o.growth);
  });

describe('summarizeEquity', () => {
  it('gives the bits of summarizeCell(equityReturns()) for every length, scheme, fold and block count', () => {
    let checked = 0;
    for (const n of [0, 1, 2, 3, 9, 17, 100, 1001, 20_003])
      for (const scheme of ['rolling', 'anchored'] as const)
        for (const folds of [1, 2, 4, 7])
          for (const blocks of [2, 8, 16]) {
            const equity = curve(n, n * 31 + folds * 7 + blocks, n > 50 && folds === 4);
            const length = Math.max(0, n - 1);
            const edges = segmentEdges(walkForwardFolds(length, folds, scheme));
            const plain = summarizeCell(equityReturns(equity), edges, blocks);
            const buffer = new Float64Array(length);
            const fused = summarizeEquity(equity, edges, blocks, buffer);
            expect(same(fused.segments, plain.segments), `n ${n} ${scheme} ${folds} folds`).toBe(true);
            expect(same(fused.blocks, plain.blocks), `n ${n} ${blocks} blocks`).toBe(true);
            expect(buffer).toEqual(equityReturns(equity));
            checked++;
          }
    expect(checked).toBe(216);
  });

  it('takes the plain path for edges that are not ascending or run past the returns', () => {
    const equity = curve(1000, 5);
    for (const edges of [
      [0, 600, 300, 999],
      [0, 500, 1200],
    ]) {
      const plain = summarizeCell(equityReturns(equity), edges, 8);
      const fused = summarizeEquity(equity, edges, 8);
      expect(same(fused.segments, plain.segments)).toBe(true);
      expect(same(fused.blocks, plain.blocks)).toBe(true);
    }
  });
});
