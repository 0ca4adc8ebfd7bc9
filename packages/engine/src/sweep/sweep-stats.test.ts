import { describe, expect, it } from 'vitest';
import {
  combinations,
  deflatedSharpeRatio,
  expectedMaxSharpe,
  moments,
  normalQuantile,
  probabilityOfOverfitting,
  sharpeRatio,
} from './sweep-stats.js';

// Reference figures were computed by hand with Python's statistics.NormalDist (inv_cdf, cdf).
const alternating = (up: number, down: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? up : down));

describe('sweep statistics', () => {
  it('normal quantile to 1e-6 (the erf of simple-statistics is good to about 1e-8)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 6);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 6);
  });

  it('moments and Sharpe of a two-point series', () => {
    const m = moments(alternating(0.011, -0.009, 100));
    expect(m.mean).toBeCloseTo(0.001, 12);
    expect(m.sd).toBeCloseTo(0.01, 12);
    expect(m.skewness).toBeCloseTo(0, 9);
    expect(m.kurtosis).toBeCloseTo(1, 9);
    expect(sharpeRatio(alternating(0.011, -0.009, 100))).toBeCloseTo(0.1, 9);
    expect(sharpeRatio([0.01, 0.01, 0.01])).toBe(0);
  });

  it('expected maximum Sharpe of N unskilled trials', () => {
    expect(expectedMaxSharpe(100, 0.01)).toBeCloseTo(0.2530602893201685, 8);
    expect(expectedMaxSharpe(10, 0.0025)).toBeCloseTo(0.0787299150672875, 8);
    expect(expectedMaxSharpe(1, 0.01)).toBe(0);
  });

  it('deflated Sharpe ratio: PSR for one trial, deflated for ten', () => {
    const returns = alternating(0.011, -0.009, 100);
    const one = deflatedSharpeRatio({ returns, trials: 1, trialSharpeVariance: 0.0025 });
    expect(one.value).toBeCloseTo(0.8401288127538633, 6);
    const ten = deflatedSharpeRatio({ returns, trials: 10, trialSharpeVariance: 0.0025 });
    expect(ten.value).toBeCloseTo(0.5838039715565568, 6);
    expect(ten.pValue).toBeCloseTo(1 - 0.5838039715565568, 6);
  });

  it('combinations in lexicographic order', () => {
    expect(combinations(4, 2)).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    expect(combinations(8, 4)).toHaveLength(70);
  });

  // Each block is [m + s, m - s]: Sharpe m / s. Two blocks: two splits.
  const block = (sharpe: number): number[] => [0.01 * sharpe + 0.01, 0.01 * sharpe - 0.01];
  it('PBO = 1 when the in-sample winner is always the out-of-sample loser', () => {
    const a = [...block(3), ...block(-1)];
    const b = [...block(1), ...block(2)];
    const result = probabilityOfOverfitting([a, b], 2);
    expect(result.splits).toBe(2);
    expect(result.pbo).toBe(1);
    for (const logit of result.logits) expect(logit).toBeCloseTo(-Math.LN2, 12);
  });

  it('PBO = 0 when one cell dominates in every block', () => {
    const a = [...block(3), ...block(2)];
    const b = [...block(1), ...block(-1)];
    const result = probabilityOfOverfitting([a, b], 2);
    expect(result.pbo).toBe(0);
    for (const logit of result.logits) expect(logit).toBeCloseTo(Math.LN2, 12);
  });
});
