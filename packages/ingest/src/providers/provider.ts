import type { Bars, DatasetManifest } from '@buff/core';

/** The names {@link getProvider} knows. */
export const PROVIDER_NAMES = ['synthetic', 'csv', 'ccxt'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** A request for canonical 1m bars of one symbol in [since, until) (ISO times with a zone). */
export interface FetchBarsRequest {
  symbol: string;
  since?: string;
  until?: string;
}

/** Whether a provider can serve data right now, and why not. */
export interface ConnectionStatus {
  ok: boolean;
  message: string;
}

/**
 * A source of canonical 1m bars. Every provider returns bars that passed the same row rules
 * as an ingest (ordering, duplicates, OHLC shape, volume).
 * @example const bars = await getProvider('synthetic', { seed: 7 }).fetchBars({ symbol: 'BTC-USD' });
 */
export interface DataProvider {
  readonly name: ProviderName;
  testConnection(): Promise<ConnectionStatus>;
  fetchBars(request: FetchBarsRequest): Promise<Bars>;
  /** Where bars of this request come from, as `dataset.json` records it (kind, file, params). */
  describeSource(request: FetchBarsRequest): DatasetManifest['source'];
}
