import { describe, expect, it } from 'vitest';
import { isBuffError, type Bars } from '@buff/core';
import { synthesizeBars } from './synthetic.js';
import { createPrng } from './prng.js';

/** Share of bars whose close-to-close return has the sign of the previous one. */
function sameSignRate(bars: Bars): number {
  let same = 0;
  let total = 0;
  for (let i = 2; i < bars.close.length; i++) {
    const previous = Math.log((bars.close[i - 1] as number) / (bars.close[i - 2] as number));
    const current = Math.log((bars.close[i] as number) / (bars.close[i - 1] as number));
    if (previous === 0 || current === 0) continue;
    total++;
    if (Math.sign(previous) === Math.sign(current)) same++;
  }
  return same / total;
}

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

  it('plants the signal: same-sign rule ~0.8 at S=1, ~0.65 at S=0.5, ~0.5 at S=0', () => {
    expect(Math.abs(sameSignRate(synthesizeBars({ days: 30, seed: 11, signal: 1 })) - 0.8)).toBeLessThan(0.02);
    expect(Math.abs(sameSignRate(synthesizeBars({ days: 30, seed: 11, signal: 0.5 })) - 0.65)).toBeLessThan(0.02);
    expect(Math.abs(sameSignRate(synthesizeBars({ days: 30, seed: 11, signal: 0 })) - 0.5)).toBeLessThan(0.02);
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
