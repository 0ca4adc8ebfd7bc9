import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TIMEFRAMES, allocateBars, isBuffError, sliceBars, type Bars, type Timeframe } from '@buff/core';
import { Resampler, resample } from '@buff/ingest';

const MIN = 60_000;
const BASE_MINUTE = Date.parse('2024-01-01T00:00:00Z') / MIN;
const HIGHER: Timeframe[] = TIMEFRAMES.filter((tf) => tf !== '1m');

/** Random gapped 1m series (mostly one-minute steps, some long gaps) and cut points into it. */
const barsAndCuts = fc
  .record({
    startMinute: fc.integer({ min: BASE_MINUTE - 5000, max: BASE_MINUTE + 5000 }),
    steps: fc.array(fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 2000 })), {
      maxLength: 300,
    }),
    cuts: fc.array(fc.nat({ max: 300 }), { maxLength: 8 }),
    seed: fc.integer(),
  })
  .map(({ startMinute, steps, cuts, seed }) => {
    const bars = allocateBars(steps.length);
    let minute = startMinute;
    steps.forEach((step, i) => {
      minute += i === 0 ? 0 : step;
      const base = ((seed ^ (i * 2654435761)) >>> 0) % 10_000;
      bars.ts[i] = minute * MIN;
      bars.open[i] = base;
      bars.close[i] = base + (i % 7) - 3;
      bars.high[i] = base + 5 + (i % 3);
      bars.low[i] = base - 5 - (i % 4);
      bars.volume[i] = i % 11;
    });
    const at = [...new Set(cuts.map((cut) => Math.min(cut, steps.length)))].sort((a, b) => a - b);
    return { bars, cuts: at };
  });

function streamed(bars: Bars, cuts: number[], timeframe: Timeframe, includePartial: boolean): Bars {
  const resampler = new Resampler(timeframe, { includePartial });
  const parts: Bars[] = [];
  let from = 0;
  for (const cut of [...cuts, bars.ts.length]) {
    parts.push(resampler.push(sliceBars(bars, from, cut)));
    from = cut;
  }
  parts.push(resampler.finish());
  const joined = {} as Bars;
  for (const key of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
    joined[key] = Float64Array.from(parts.flatMap((part) => Array.from(part[key])));
  }
  return joined;
}

describe('Resampler (resample batch by batch)', () => {
  it('gives exactly the one-shot resample wherever the batches are cut', () => {
    fc.assert(
      fc.property(barsAndCuts, fc.constantFrom(...HIGHER), fc.boolean(), ({ bars, cuts }, timeframe, partial) => {
        const once = resample(bars, timeframe, { includePartial: partial });
        expect(streamed(bars, cuts, timeframe, partial)).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });

  it('carries a bucket across a cut that falls inside it, and refuses bars out of order across batches', () => {
    const bars = allocateBars(4);
    [0, 1, 2, 3].forEach((m, i) => {
      bars.ts[i] = (BASE_MINUTE + m) * MIN;
      bars.open[i] = bars.high[i] = bars.low[i] = bars.close[i] = 10 + i;
      bars.volume[i] = 1;
    });
    const resampler = new Resampler('5m', { includePartial: true });
    expect(resampler.push(sliceBars(bars, 0, 2)).ts.length).toBe(0);
    expect(resampler.push(sliceBars(bars, 2, 4)).ts.length).toBe(0);
    expect(Array.from(Object.values(resampler.finish()), (column) => column[0])).toEqual([
      BASE_MINUTE * MIN,
      10,
      13,
      10,
      13,
      4,
    ]);
    const again = new Resampler('5m');
    again.push(sliceBars(bars, 2, 4));
    try {
      again.push(sliceBars(bars, 0, 2));
      expect.unreachable('expected UNORDERED_TIMESTAMP');
    } catch (err) {
      expect(isBuffError(err, 'UNORDERED_TIMESTAMP') && err.details).toMatchObject({ index: 2 });
    }
  });
});
