import { describe, expect, it } from 'vitest';
import { isBuffError, type Bars } from '@buff/core';
import { synthesizeBars } from './synthetic.js';
import { createPrng } from './prng.js';

/** Close-to-close log returns. */
function returns(bars: Bars): Float64Array {
  const out = new Float64Array(bars.close.length - 1);
  for (let i = 1; i < bars.close.length; i++)
    out[i - 1] = Math.log((bars.close[i] as number) / (bars.close[i - 1] as number));
  return out;
}

/** Accuracy of predicting each return's sign with `predict(i)` (a sign) from the returns before it. */
function ruleAccuracy(r: Float64Array, from: number, predict: (i: number) => number): number {
  let right = 0;
  for (let i = from; i < r.length; i++) if (predict(i) === Math.sign(r[i] as number)) right++;
  return right / (r.length - from);
}

/** Mean |return| of the 16 returns before i, against the geometric mean of the two regimes' mean |return|. */
const stormyByWindow = (r: Float64Array, i: number): boolean => {
  let sum = 0;
  for (let k = i - 16; k < i; k++) sum += Math.abs(r[k] as number);
  return sum / 16 > Math.sqrt(0.0006 * 0.0018) * Math.sqrt(2 / Math.PI);
};

describe('synthesizeBars', () => {
  it('writes canonical 1m bars from the default start with a valid OHLC shape', () => {
    const bars = synthesizeBars({ days: 2, seed: 7 });
    expect(bars.ts.length).toBe(2 * 1440);
    expect(new Date(bars.ts[0] as number).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    for (let i = 0; i < bars.ts.length; i++) {
      const [o, h, l, c, v] = [bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]] as number[] as [
        number,
        number,
        number,
        number,
        number,
      ];
      expect(h >= Math.max(o, c) && l <= Math.min(o, c) && l > 0 && v > 0).toBe(true);
      if (i > 0) {
        expect(bars.ts[i]).toBe((bars.ts[i - 1] as number) + 60_000);
        expect(o).toBe(bars.close[i - 1]);
      }
    }
  });

  it('is deterministic for the same options and differs by seed and by symbol', () => {
    const a = synthesizeBars({ days: 1, seed: 7, symbol: 'BTC-USD' });
    expect(synthesizeBars({ days: 1, seed: 7, symbol: 'BTC-USD' })).toEqual(a);
    expect(synthesizeBars({ days: 1, seed: 8, symbol: 'BTC-USD' }).close).not.toEqual(a.close);
    expect(synthesizeBars({ days: 1, seed: 7, symbol: 'ETH-USD' }).close).not.toEqual(a.close);
  });

  it('plants a regime pattern: ~0.8 for a rule that infers the regime, ~0.5 for majority and persistence', () => {
    const r = returns(synthesizeBars({ days: 30, seed: 11, signal: 1 }));
    const regimeRule = (i: number) => (stormyByWindow(r, i) ? -1 : 1) * Math.sign(r[i - 2] as number);
    expect(Math.abs(ruleAccuracy(r, 16, regimeRule) - 0.79)).toBeLessThan(0.02);
    expect(Math.abs(ruleAccuracy(r, 16, (i) => Math.sign(r[i - 1] as number)) - 0.5)).toBeLessThan(0.02);
    const up = ruleAccuracy(r, 16, () => 1);
    expect(Math.abs(Math.max(up, 1 - up) - 0.5)).toBeLessThan(0.02);
    const half = returns(synthesizeBars({ days: 30, seed: 11, signal: 0.5 }));
    const halfRule = (i: number) => (stormyByWindow(half, i) ? -1 : 1) * Math.sign(half[i - 2] as number);
    expect(Math.abs(ruleAccuracy(half, 16, halfRule) - 0.645)).toBeLessThan(0.02);
  });

  it('at signal 0 no rule beats a coin: the regime rule, persistence and the sign two bars back', () => {
    const r = returns(synthesizeBars({ days: 30, seed: 11, signal: 0 }));
    const rules = [
      (i: number) => (stormyByWindow(r, i) ? -1 : 1) * Math.sign(r[i - 2] as number),
      (i: number) => Math.sign(r[i - 1] as number),
      (i: number) => Math.sign(r[i - 2] as number),
    ];
    for (const rule of rules) expect(Math.abs(ruleAccuracy(r, 16, rule) - 0.5)).toBeLessThan(0.015);
  });

  it('the persistence pattern plants "same sign as the last bar" at ~0.8', () => {
    const r = returns(synthesizeBars({ days: 30, seed: 11, signal: 1, pattern: 'persistence' }));
    expect(Math.abs(ruleAccuracy(r, 16, (i) => Math.sign(r[i - 1] as number)) - 0.8)).toBeLessThan(0.02);
  });

  it('has volatility regimes: rolling return volatility varies by well over 2x', () => {
    const bars = synthesizeBars({ days: 20, seed: 3 });
    const window = 240;
    const vols: number[] = [];
    for (let start = 1; start + window < bars.close.length; start += window) {
      let sum = 0;
      for (let i = start; i < start + window; i++)
        sum += Math.log((bars.close[i] as number) / (bars.close[i - 1] as number)) ** 2;
      vols.push(Math.sqrt(sum / window));
    }
    expect(Math.max(...vols) / Math.min(...vols)).toBeGreaterThan(2);
  });

  it('correlates volume with absolute return', () => {
    const bars = synthesizeBars({ days: 5, seed: 5 });
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 1; i < bars.close.length; i++) {
      x.push(Math.abs(Math.log((bars.close[i] as number) / (bars.open[i] as number))));
      y.push(Math.log(bars.volume[i] as number));
    }
    expect(correlation(x, y)).toBeGreaterThan(0.3);
  });

  it.each([
    [{ days: 0, seed: 1 }, 'days'],
    [{ days: 1, seed: 1.5 }, 'seed'],
    [{ days: 1, seed: 1, signal: 2 }, 'signal'],
    [{ days: 1, seed: 1, pattern: 'trend' as 'regime' }, 'pattern'],
    [{ days: 1, seed: 1, start: '2024-01-01T00:00:00' }, 'start'],
    [{ days: 1, seed: 1, start: '2024-01-01T00:00:30Z' }, 'start'],
  ])('rejects invalid options %j', (options, key) => {
    try {
      synthesizeBars(options);
      expect.unreachable();
    } catch (err) {
      expect(isBuffError(err, 'INVALID_INPUT')).toBe(true);
      expect((err as { details: { key: string } }).details.key).toBe(key);
    }
  });
});

describe('createPrng', () => {
  it('gives uniforms in [0, 1) and standard normals for a key, repeatably', () => {
    const a = createPrng('k');
    const b = createPrng('k');
    const normals: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const u = a.uniform();
      expect(u).toBe(b.uniform());
      expect(u >= 0 && u < 1).toBe(true);
      normals.push(a.normal());
      b.normal();
    }
    const mean = normals.reduce((s, v) => s + v, 0) / normals.length;
    const variance = normals.reduce((s, v) => s + (v - mean) ** 2, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(createPrng('other').uniform()).not.toBe(createPrng('k').uniform());
  });
});

function correlation(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}
