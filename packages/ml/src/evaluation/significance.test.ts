import { describe, expect, it } from 'vitest';
import { binomialHalfCdf, mcnemarExact, wilsonInterval } from './significance.js';

/** Paired outcomes with b model-only wins, c baseline-only wins and `both` samples both got right. */
function pairs(b: number, c: number, both = 0): { model: Uint8Array; baseline: Uint8Array } {
  const model = [...Array(b).fill(1), ...Array(c).fill(0), ...Array(both).fill(1)];
  const baseline = [...Array(b).fill(0), ...Array(c).fill(1), ...Array(both).fill(1)];
  return { model: Uint8Array.from(model), baseline: Uint8Array.from(baseline) };
}

describe('binomialHalfCdf (hand-computed)', () => {
  it('small n: sums of binomial coefficients over 2^n', () => {
    expect(binomialHalfCdf(0, 1)).toBe(0.5);
    expect(binomialHalfCdf(1, 10)).toBeCloseTo(11 / 1024, 15);
    expect(binomialHalfCdf(3, 20)).toBeCloseTo((1 + 20 + 190 + 1140) / 2 ** 20, 15);
    expect(binomialHalfCdf(-1, 5)).toBe(0);
    expect(binomialHalfCdf(5, 5)).toBe(1);
  });

  it('large n without underflow (2^-1500 is below the smallest double); symmetric around n/2', () => {
    // exact sums of big-integer binomial coefficients (Python: sum(comb(1500, i) for i in range(701)) / 2**1500)
    expect(binomialHalfCdf(700, 1500)).toBeCloseTo(0.005279627733355772, 12);
    expect(binomialHalfCdf(1200, 2600) / 4.7211173826704305e-5).toBeCloseTo(1, 9);
    expect(binomialHalfCdf(1000, 2001)).toBeCloseTo(0.5, 10);
  });
});

describe("McNemar's exact test (hand-computed)", () => {
  it('counts only the discordant pairs', () => {
    const { model, baseline } = pairs(2, 0, 5);
    expect(mcnemarExact(model, baseline)).toEqual({ modelOnly: 2, baselineOnly: 0, pValue: 0.5 });
  });

  it('b=6, c=0: p = 2 / 2^6; b=10, c=1: p = 2 * (1 + 11) / 2^11; b=c: p = 1', () => {
    expect(mcnemarExact(...(Object.values(pairs(6, 0)) as [Uint8Array, Uint8Array])).pValue).toBeCloseTo(2 / 64, 15);
    expect(mcnemarExact(...(Object.values(pairs(10, 1)) as [Uint8Array, Uint8Array])).pValue).toBeCloseTo(
      24 / 2048,
      15,
    );
    expect(mcnemarExact(...(Object.values(pairs(1, 10)) as [Uint8Array, Uint8Array])).pValue).toBeCloseTo(
      24 / 2048,
      15,
    );
    expect(mcnemarExact(...(Object.values(pairs(7, 7, 3)) as [Uint8Array, Uint8Array])).pValue).toBe(1);
    expect(mcnemarExact(Uint8Array.of(1, 0), Uint8Array.of(1, 0)).pValue).toBe(1);
  });

  it('refuses outcomes of different lengths', () => {
    expect(() => mcnemarExact([1], [1, 0])).toThrow(/1 model outcomes but 2 baseline outcomes/);
  });
});

describe('Wilson interval (hand-computed)', () => {
  it('8 of 10 at 95%: [0.4902, 0.9433]; 0 of 10: [0, 0.2775]', () => {
    const a = wilsonInterval(8, 10, 0.95);
    expect(a.lower).toBeCloseTo(0.490162, 5);
    expect(a.upper).toBeCloseTo(0.943318, 5);
    const b = wilsonInterval(0, 10, 0.95);
    expect(b.lower).toBe(0);
    expect(b.upper).toBeCloseTo(0.277533, 5);
  });

  it('narrows with n and widens with confidence; 3000 of 4000 at 95% is [0.7363, 0.7632]', () => {
    const c = wilsonInterval(3000, 4000, 0.95);
    expect(c.lower).toBeCloseTo(0.7363455, 6);
    expect(c.upper).toBeCloseTo(0.7631748, 6);
    const wide = wilsonInterval(3000, 4000, 0.99);
    expect(wide.lower).toBeLessThan(c.lower);
    expect(wilsonInterval(30, 40).lower).toBeLessThan(c.lower);
  });

  it('refuses impossible counts', () => {
    expect(() => wilsonInterval(11, 10)).toThrow(/11 successes of 10 trials/);
    expect(() => wilsonInterval(0, 0)).toThrow(/trials/);
  });
});
