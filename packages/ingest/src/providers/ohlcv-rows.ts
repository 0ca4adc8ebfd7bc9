import { BuffError, allocateBars, type Bars } from '@buff/core';
import { checkRows } from '../rules/row-rules.js';

/**
 * ccxt-style rows `[ts, open, high, low, close, volume]` as canonical 1m bars, checked with the
 * same row rules as an ingest (finite numbers, whole minutes, strictly ascending, no duplicates,
 * OHLC shape, volume >= 0, 1m spacing). Gaps are kept as gaps. Throws a BuffError naming the rule.
 * @example ohlcvRowsToBars([[1704067200000, 1, 2, 0.5, 1.5, 10]], 'binance BTC/USDT')
 */
export function ohlcvRowsToBars(rows: readonly unknown[], source: string): Bars {
  const bars = allocateBars(rows.length);
  const columns = [bars.ts, bars.open, bars.high, bars.low, bars.close, bars.volume];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length < 6) {
      throw new BuffError('BAD_ROW', `${source} row ${i + 1}: expected [ts, open, high, low, close, volume]`, {
        details: { file: source, row: i + 1, value: JSON.stringify(row) ?? String(row), rule: 'BAD_ROW' },
      });
    }
    for (let c = 0; c < 6; c++) {
      const value: unknown = row[c];
      if (typeof value !== 'number') {
        throw new BuffError('BAD_NUMBER', `${source} row ${i + 1}: field ${c} is not a number: "${String(value)}"`, {
          details: { file: source, row: i + 1, value: String(value), rule: 'BAD_NUMBER' },
        });
      }
      (columns[c] as Float64Array)[i] = value;
    }
  }
  checkRows(bars, {
    timeframeMs: 60_000,
    allowGaps: true,
    placeOf: (index, column) => ({ file: source, row: index + 1, ...(column === undefined ? {} : { column }) }),
  });
  return bars;
}
