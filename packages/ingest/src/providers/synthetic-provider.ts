import { BuffError, type Bars } from '@buff/core';
import { SYNTHETIC_GENERATOR_VERSION, synthesizeBars, type SyntheticPattern } from '../synthetic.js';
import type { DataProvider, FetchBarsRequest } from './provider.js';

const DAY_MS = 86_400_000;
const DEFAULT_START = '2024-01-01T00:00:00.000Z';

/** Options of the synthetic provider; `days` is used when a request has no `until`. */
export interface SyntheticProviderOptions {
  seed?: number;
  signal?: number;
  pattern?: SyntheticPattern;
  days?: number;
}

/**
 * Seeded, offline bars from {@link synthesizeBars}: `since` defaults to 2024-01-01 UTC and the
 * span to `days` (default 30) unless `until` is given. The source it describes names the
 * generator version, since the same params give other bytes under another version.
 * @example const bars = await createSyntheticProvider({ seed: 7 }).fetchBars({ symbol: 'BTC-USD' });
 */
export function createSyntheticProvider(options: SyntheticProviderOptions = {}): DataProvider {
  return {
    name: 'synthetic',
    testConnection: () =>
      Promise.resolve({ ok: true, message: 'synthetic data is generated locally; nothing to connect to' }),
    fetchBars: (request: FetchBarsRequest): Promise<Bars> => {
      const params = paramsOf(request);
      return Promise.resolve(synthesizeBars({ ...params, symbol: request.symbol }));
    },
    describeSource: (request) => ({
      kind: 'synthetic',
      params: { ...paramsOf(request), generator: SYNTHETIC_GENERATOR_VERSION },
    }),
  };

  function paramsOf(request: FetchBarsRequest) {
    const start = request.since ?? DEFAULT_START;
    const days = request.until === undefined ? (options.days ?? 30) : spanDays(start, request.until);
    return { seed: options.seed ?? 0, days, signal: options.signal ?? 0, pattern: options.pattern ?? 'regime', start };
  }
}

function spanDays(since: string, until: string): number {
  const span = Date.parse(until) - Date.parse(since);
  if (!(span > 0)) {
    throw new BuffError('INVALID_INPUT', `until ${until} must be a time after since ${since}`, {
      details: { key: 'until', value: until },
    });
  }
  return span / DAY_MS;
}
