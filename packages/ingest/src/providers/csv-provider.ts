import { basename } from 'node:path';
import { access } from 'node:fs/promises';
import { BuffError, type Bars, type IngestOptionsInput } from '@buff/core';
import { parseCsv } from '../csv/parse-csv.js';
import type { DataProvider, FetchBarsRequest } from './provider.js';

/** Options of the csv provider: the file and how to read it (the symbol comes from each request). */
export interface CsvProviderOptions {
  file?: string;
  ingestOptions?: Omit<IngestOptionsInput, 'symbol'>;
}

/**
 * Bars from a CSV file through the strict ingest parser (every ingest rule applies), cut to
 * [since, until). Gaps are allowed unless `ingestOptions.allowGaps` is false.
 * @example const bars = await createCsvProvider({ file: 'btc.csv' }).fetchBars({ symbol: 'BTC-USD' });
 */
export function createCsvProvider(options: CsvProviderOptions = {}): DataProvider {
  const file = (): string => {
    if (!options.file)
      throw new BuffError('INVALID_INPUT', 'the csv provider needs a file (--input F.csv)', {
        details: { key: 'file' },
      });
    return options.file;
  };
  return {
    name: 'csv',
    async testConnection() {
      try {
        await access(file());
        return { ok: true, message: `${file()} is readable` };
      } catch (err) {
        return { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
    },
    async fetchBars(request: FetchBarsRequest): Promise<Bars> {
      const { bars } = await parseCsv(file(), { allowGaps: true, ...options.ingestOptions, symbol: request.symbol });
      return cutToWindow(bars, request);
    },
    describeSource: () => ({ kind: 'csv', file: basename(file()) }),
  };
}

function cutToWindow(bars: Bars, request: FetchBarsRequest): Bars {
  const since = request.since === undefined ? Number.NEGATIVE_INFINITY : Date.parse(request.since);
  const until = request.until === undefined ? Number.POSITIVE_INFINITY : Date.parse(request.until);
  let start = 0;
  while (start < bars.ts.length && (bars.ts[start] as number) < since) start++;
  let end = start;
  while (end < bars.ts.length && (bars.ts[end] as number) < until) end++;
  if (start === 0 && end === bars.ts.length) return bars;
  return {
    ts: bars.ts.slice(start, end),
    open: bars.open.slice(start, end),
    high: bars.high.slice(start, end),
    low: bars.low.slice(start, end),
    close: bars.close.slice(start, end),
    volume: bars.volume.slice(start, end),
  };
}
