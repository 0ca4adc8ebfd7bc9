import type { Bars } from '@buff/core';

/** The header line of an exported CSV. */
export const CSV_HEADER = 'timestamp,open,high,low,close,volume\n';

/** Rows turned into one string at a time: the text of a batch never sits on the heap whole. */
const LINES_PER_PIECE = 4096;

/**
 * Rows `[from, to)` of `bars` as CSV lines with ISO UTC timestamps; `String(n)` keeps every double
 * exact on re-read (-0 stays `-0`).
 * @example csvLines(bars, 0, bars.ts.length) // '2024-01-01T00:00:00.000Z,1,2,0.5,1.5,10\n...'
 */
export function csvLines(bars: Bars, from: number, to: number): string {
  const { ts, open, high, low, close, volume } = bars;
  const parts: string[] = [];
  for (let i = from; i < to; i++) {
    parts.push(
      `${new Date(ts[i] as number).toISOString()},${numberText(open[i] as number)},${numberText(high[i] as number)},${numberText(low[i] as number)},${numberText(close[i] as number)},${numberText(volume[i] as number)}\n`,
    );
  }
  return parts.join('');
}

/**
 * Writes the CSV of each batch as it comes, in pieces of {@link LINES_PER_PIECE} lines.
 * @example const write = csvWriter(sink.write.bind(sink)); for (const bars of batches) write(bars);
 */
export function csvWriter(write: (text: string) => void): (bars: Bars) => void {
  write(CSV_HEADER);
  return (bars) => {
    const n = bars.ts.length;
    for (let at = 0; at < n; at += LINES_PER_PIECE) write(csvLines(bars, at, Math.min(n, at + LINES_PER_PIECE)));
  };
}

/** A double as text that reads back as the same double: `String(n)`, except that -0 stays `-0`. */
function numberText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}
