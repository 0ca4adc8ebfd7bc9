import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv, resample } from '@buff/ingest';
import type { Bars } from '@buff/core';
import { REAL_DATA_DIR } from './helpers/tmp.js';

const real = (name: string): string => join(REAL_DATA_DIR, name);

/** The reference reading: split lines and Number() every field. */
function naiveRead(path: string): { ts: number[]; values: number[][] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((line) => line.split(','));
  return {
    ts: rows.map((r) => Date.parse(r[0] as string)),
    values: [1, 2, 3, 4, 5].map((c) => rows.map((r) => Number(r[c]))),
  };
}

function expectSameNumbers(bars: Bars, path: string): void {
  const reference = naiveRead(path);
  expect(Array.from(bars.ts)).toEqual(reference.ts);
  const columns = [bars.open, bars.high, bars.low, bars.close, bars.volume];
  columns.forEach((column, c) => {
    const expected = reference.values[c] as number[];
    for (let i = 0; i < column.length; i++) {
      if (!Object.is(column[i], expected[i]))
        throw new Error(`${path} row ${i + 1} column ${c + 1}: ${column[i]} !== ${expected[i]}`);
    }
  });
}

describe('real exchange candles', () => {
  it('xrp_eth_1m.csv: 2,469 rows, 676 gap ranges (1,091 missing minutes), exact numbers', async () => {
    const { bars, quality } = await parseCsv(real('xrp_eth_1m.csv'), { symbol: 'XRP-ETH', allowGaps: true });
    expect(quality).toMatchObject({
      rows: 2469,
      gapCount: 676,
      missingBars: 1091,
      expectedRows: 3560,
      first: '2019-10-11T00:00:00.000Z',
      last: '2019-10-13T11:19:00.000Z',
    });
    expect(quality.gaps).toHaveLength(676);
    expectSameNumbers(bars, real('xrp_eth_1m.csv'));
    await expect(parseCsv(real('xrp_eth_1m.csv'), { symbol: 'XRP-ETH' })).rejects.toMatchObject({ code: 'GAP' });
  });

  it("resampling xrp_eth_1m to 5m gives the exchange's own 5m candles, candle for candle", async () => {
    const oneMinute = await parseCsv(real('xrp_eth_1m.csv'), { symbol: 'XRP-ETH', allowGaps: true });
    const exchange = await parseCsv(real('xrp_eth_5m.csv'), { symbol: 'XRP-ETH', timeframe: '5m', allowGaps: true });
    expect(exchange.quality.rows).toBe(706);
    const ours = resample(oneMinute.bars, '5m');
    expect(ours.ts.length).toBe(706);
    for (const column of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(Array.from(ours[column]), column).toEqual(Array.from(exchange.bars[column]));
    }
  });

  it('unittest_btc_5m.csv ingested as 1m is rejected (WRONG_SPACING), as 5m it passes', async () => {
    const error = parseCsv(real('unittest_btc_5m.csv'), { symbol: 'BTC', allowGaps: true });
    await expect(error).rejects.toMatchObject({ code: 'WRONG_SPACING', details: { line: 3, rule: 'WRONG_SPACING' } });
    const { bars, quality } = await parseCsv(real('unittest_btc_5m.csv'), { symbol: 'BTC', timeframe: '5m' });
    expect(quality).toMatchObject({ rows: 5760, gapCount: 0 });
    expectSameNumbers(bars, real('unittest_btc_5m.csv'));
  });

  it('unittest_btc_1m.csv: 538 gaps with gaps allowed, rejected without', async () => {
    const { bars, quality } = await parseCsv(real('unittest_btc_1m.csv'), { symbol: 'BTC', allowGaps: true });
    expect(quality).toMatchObject({ rows: 13681, gapCount: 538, missingBars: 717 });
    expectSameNumbers(bars, real('unittest_btc_1m.csv'));
    await expect(parseCsv(real('unittest_btc_1m.csv'), { symbol: 'BTC' })).rejects.toMatchObject({
      code: 'GAP',
      details: { line: 8 },
    });
  });
});
