import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TIMEFRAMES, allocateBars, timeframeMs, type Bars, type Timeframe } from '@buff/core';
import { resample } from '@buff/ingest';

const MIN = 60_000;
const BASE_MINUTE = Date.parse('2024-01-01T00:00:00Z') / MIN;

/** Random gapped 1m series: a start minute, positive minute steps (mostly 1, some long gaps), integer volumes (exact sums). */
const gappedMinuteBars = fc
  .record({
    startMinute: fc.integer({ min: BASE_MINUTE - 5000, max: BASE_MINUTE + 5000 }),
    rows: fc.array(
      fc.record({
        step: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 900 })),
        open: fc.integer({ min: 1, max: 10_000 }),
        close: fc.integer({ min: 1, max: 10_000 }),
        up: fc.integer({ min: 0, max: 500 }),
        down: fc.integer({ min: 0, max: 500 }),
        volume: fc.integer({ min: 0, max: 1_000_000 }),
      }),
      { minLength: 0, maxLength: 400 },
    ),
  })
  .map(({ startMinute, rows }): Bars => {
    const bars = allocateBars(rows.length);
    let minute = startMinute;
    rows.forEach((row, i) => {
      minute += i === 0 ? 0 : row.step;
      bars.ts[i] = minute * MIN;
      bars.open[i] = row.open;
      bars.close[i] = row.close;
      bars.high[i] = Math.max(row.open, row.close) + row.up;
      bars.low[i] = Math.min(row.open, row.close) - row.down;
      bars.volume[i] = row.volume;
    });
    return bars;
  });

const HIGHER: Timeframe[] = TIMEFRAMES.filter((tf) => tf !== '1m');
/** (finer, coarser) pairs where the finer timeframe divides the coarser one. */
const NESTED_PAIRS: Array<[Timeframe, Timeframe]> = HIGHER.flatMap((a) =>
  HIGHER.filter((b) => timeframeMs(b) > timeframeMs(a) && timeframeMs(b) % timeframeMs(a) === 0).map(
    (b): [Timeframe, Timeframe] => [a, b],
  ),
);

const sum = (values: Float64Array): number => values.reduce((total, v) => total + v, 0);

describe('resample properties (fast-check)', () => {
  it('conserves volume: all of it with includePartial, all but the dropped last bucket without', () => {
    fc.assert(
      fc.property(gappedMinuteBars, fc.constantFrom(...HIGHER), (bars, timeframe) => {
        const tf = timeframeMs(timeframe);
        expect(sum(resample(bars, timeframe, { includePartial: true }).volume)).toBe(sum(bars.volume));
        const complete = resample(bars, timeframe);
        const end =
          complete.ts.length === 0 ? Number.NEGATIVE_INFINITY : (complete.ts[complete.ts.length - 1] as number) + tf;
        const expected = sum(bars.volume.filter((_, i) => (bars.ts[i] as number) < end));
        expect(sum(complete.volume)).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('1m -> A -> B equals 1m -> B for nested timeframes (e.g. 5m then 1h), keeping partial buckets', () => {
    fc.assert(
      fc.property(gappedMinuteBars, fc.constantFrom(...NESTED_PAIRS), (bars, [a, b]) => {
        const direct = resample(bars, b, { includePartial: true });
        const chained = resample(resample(bars, a, { includePartial: true }), b, {
          includePartial: true,
          sourceTimeframe: a,
        });
        expect(chained).toEqual(direct);
      }),
      { numRuns: 200 },
    );
  });

  it('1m -> 5m -> 1h equals 1m -> 1h with complete buckets only, up to the one last bucket a chain can lose', () => {
    // Dropping a partial 5m bucket also drops the evidence that an earlier hour was followed by data,
    // so a chain may end one bucket earlier; every bucket it does keep equals the direct one.
    fc.assert(
      fc.property(gappedMinuteBars, fc.constantFrom(...NESTED_PAIRS), (bars, [a, b]) => {
        const direct = resample(bars, b);
        const chained = resample(resample(bars, a), b, { sourceTimeframe: a });
        const n = chained.ts.length;
        expect(direct.ts.length - n === 0 || direct.ts.length - n === 1).toBe(true);
        for (const column of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
          expect(chained[column]).toEqual(direct[column].slice(0, n));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('labels buckets by their UTC-epoch-aligned start, ascending, with a consistent OHLC shape', () => {
    fc.assert(
      fc.property(gappedMinuteBars, fc.constantFrom(...HIGHER), fc.boolean(), (bars, timeframe, includePartial) => {
        const tf = timeframeMs(timeframe);
        const out = resample(bars, timeframe, { includePartial });
        const buckets = new Set(Array.from(bars.ts, (t) => Math.floor(t / tf) * tf));
        expect(out.ts.length).toBe(includePartial ? buckets.size : out.ts.length);
        expect(out.ts.length === buckets.size || out.ts.length === buckets.size - 1).toBe(true);
        for (let k = 0; k < out.ts.length; k++) {
          const label = out.ts[k] as number;
          expect(label % tf).toBe(0);
          expect(buckets.has(label)).toBe(true);
          if (k > 0) expect(label).toBeGreaterThan(out.ts[k - 1] as number);
          const h = out.high[k] as number;
          const l = out.low[k] as number;
          expect(h).toBeGreaterThanOrEqual(Math.max(out.open[k] as number, out.close[k] as number));
          expect(l).toBeLessThanOrEqual(Math.min(out.open[k] as number, out.close[k] as number));
          const inside = Array.from(bars.ts.keys()).filter(
            (i) => (bars.ts[i] as number) >= label && (bars.ts[i] as number) < label + tf,
          );
          expect(out.open[k]).toBe(bars.open[inside[0] as number]);
          expect(out.close[k]).toBe(bars.close[inside[inside.length - 1] as number]);
          expect(h).toBe(Math.max(...inside.map((i) => bars.high[i] as number)));
          expect(l).toBe(Math.min(...inside.map((i) => bars.low[i] as number)));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('drops exactly the last bucket when the data stops before its final minute', () => {
    fc.assert(
      fc.property(gappedMinuteBars, fc.constantFrom(...HIGHER), (bars, timeframe) => {
        fc.pre(bars.ts.length > 0);
        const tf = timeframeMs(timeframe);
        const last = bars.ts[bars.ts.length - 1] as number;
        const lastBucket = Math.floor(last / tf) * tf;
        const partial = resample(bars, timeframe, { includePartial: true });
        const complete = resample(bars, timeframe);
        const lastIsComplete = last === lastBucket + tf - MIN;
        expect(complete.ts.length).toBe(partial.ts.length - (lastIsComplete ? 0 : 1));
      }),
      { numRuns: 150 },
    );
  });
});
