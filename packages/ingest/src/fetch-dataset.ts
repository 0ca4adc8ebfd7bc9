import type { DatasetTable, QualityReport } from '@buff/core';
import { checkRows } from './rules/row-rules.js';
import { buildQualityReport, spanOf } from './rules/quality-report.js';
import { writeDataset } from './store/write-dataset.js';
import { getProvider, resolveProviderName, type ProviderOptions } from './providers/get-provider.js';

/** Options of {@link fetchDataset}: the provider by name (default: DATA_PROVIDER, else synthetic) and the window. */
export interface FetchDatasetOptions {
  symbol: string;
  provider?: string;
  providerOptions?: ProviderOptions;
  since?: string;
  until?: string;
}

/**
 * Fetches 1m bars from a provider, checks them with the ingest row rules (gaps allowed and
 * reported) and stores them as the symbol's 1m table with its quality report; the source
 * (kind and params, e.g. seed/days/signal/start) goes into `dataset.json`.
 * @example const { table } = await fetchDataset('data', { symbol: 'BTC-USD', providerOptions: { seed: 7, days: 30 } });
 */
export async function fetchDataset(
  dataRoot: string,
  options: FetchDatasetOptions,
): Promise<{ table: DatasetTable; quality: QualityReport }> {
  const provider = getProvider(resolveProviderName(options.provider), options.providerOptions);
  const request = {
    symbol: options.symbol,
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.until === undefined ? {} : { until: options.until }),
  };
  const bars = await provider.fetchBars(request);
  const source = provider.describeSource(request);
  const sourceName = `${provider.name}:${options.symbol}`;
  const { gaps } = checkRows(bars, {
    timeframeMs: 60_000,
    allowGaps: true,
    placeOf: (index, column) => ({ file: sourceName, row: index + 1, ...(column === undefined ? {} : { column }) }),
  });
  const quality = buildQualityReport({
    symbol: options.symbol,
    timeframe: '1m',
    source: sourceName,
    span: spanOf(bars),
    gaps,
    gapsAllowed: true,
    kind: 'arrow',
    sourceColumns: 6,
  });
  const table = await writeDataset(dataRoot, {
    symbol: options.symbol,
    timeframe: '1m',
    bars,
    quality,
    source,
    ingestOptions: { timeframe: '1m', allowGaps: true },
  });
  return { table, quality };
}
