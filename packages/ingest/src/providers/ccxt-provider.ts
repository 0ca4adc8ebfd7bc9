import { BuffError, type Bars } from '@buff/core';
import type { DataProvider, FetchBarsRequest } from './provider.js';
import { ohlcvRowsToBars } from './ohlcv-rows.js';

const MINUTE_MS = 60_000;
const MAX_PAGES = 100_000;

/** The part of a ccxt exchange the provider uses; tests inject a fake, never the network. */
export interface CcxtExchangeLike {
  id?: string;
  fetchOHLCV(symbol: string, timeframe?: string, since?: number, limit?: number): Promise<unknown[]>;
  loadMarkets?(): Promise<unknown>;
}

/** Options of the ccxt provider: an injected exchange, or the id of a ccxt exchange class. */
export interface CcxtProviderOptions {
  exchange?: CcxtExchangeLike;
  exchangeId?: string;
  /** Rows per request (default 1000). */
  pageLimit?: number;
  /** Exchange market of a Buff symbol; default turns `BTC-USDT` into `BTC/USDT`. */
  marketSymbol?: (symbol: string) => string;
}

/**
 * 1m candles from an exchange through ccxt (an optional peer dependency, imported lazily).
 * Pages forward from `since` until `until`; every row passes the ingest row rules.
 * @example const bars = await createCcxtProvider({ exchangeId: 'binance' }).fetchBars({ symbol: 'BTC-USDT', since: '2024-01-01T00:00:00Z' });
 */
export function createCcxtProvider(options: CcxtProviderOptions = {}): DataProvider {
  let exchange: CcxtExchangeLike | undefined = options.exchange;
  const getExchange = async (): Promise<CcxtExchangeLike> => (exchange ??= await loadExchange(options.exchangeId));
  const toMarket = options.marketSymbol ?? ((symbol: string) => symbol.replace('-', '/'));
  const limit = options.pageLimit ?? 1000;
  return {
    name: 'ccxt',
    async testConnection() {
      try {
        const ex = await getExchange();
        await ex.loadMarkets?.();
        return { ok: true, message: `ccxt exchange ${ex.id ?? options.exchangeId ?? '(injected)'} reachable` };
      } catch (err) {
        return { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
    },
    async fetchBars(request: FetchBarsRequest): Promise<Bars> {
      const ex = await getExchange();
      const market = toMarket(request.symbol);
      const source = `ccxt ${ex.id ?? options.exchangeId ?? 'exchange'} ${market}`;
      const untilMs = request.until === undefined ? Number.POSITIVE_INFINITY : Date.parse(request.until);
      let cursor = request.since === undefined ? undefined : Date.parse(request.since);
      const kept: unknown[] = [];
      for (let page = 0; page < MAX_PAGES; page++) {
        const rows = await fetchPage(ex, source, market, cursor, limit);
        let lastTs = Number.NEGATIVE_INFINITY;
        for (const row of rows) {
          const ts = Array.isArray(row) ? (row[0] as unknown) : undefined;
          if (typeof ts === 'number' && ts >= untilMs) continue;
          kept.push(row);
          if (typeof ts === 'number') lastTs = Math.max(lastTs, ts);
        }
        const reachedUntil = rows.length > 0 && lastTs + MINUTE_MS >= untilMs;
        if (cursor === undefined || rows.length < limit || reachedUntil || lastTs === Number.NEGATIVE_INFINITY) break;
        cursor = lastTs + MINUTE_MS;
      }
      return ohlcvRowsToBars(kept, source);
    },
    describeSource: (request) => ({
      kind: 'ccxt',
      params: { exchange: options.exchange?.id ?? options.exchangeId ?? 'injected', ...sinceUntil(request) },
    }),
  };
}

/** One fetchOHLCV page; an exchange or network failure becomes PROVIDER_UNAVAILABLE naming the request. */
async function fetchPage(
  ex: CcxtExchangeLike,
  source: string,
  market: string,
  cursor: number | undefined,
  limit: number,
): Promise<unknown[]> {
  try {
    return await ex.fetchOHLCV(market, '1m', cursor, limit);
  } catch (err) {
    if (err instanceof BuffError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    const since = cursor === undefined ? 'latest' : new Date(cursor).toISOString();
    throw new BuffError('PROVIDER_UNAVAILABLE', `${source}: fetchOHLCV 1m from ${since} failed: ${message}`, {
      details: { provider: 'ccxt', market, since },
    });
  }
}

function sinceUntil(request: FetchBarsRequest): Record<string, string> {
  return {
    ...(request.since === undefined ? {} : { since: request.since }),
    ...(request.until === undefined ? {} : { until: request.until }),
  };
}

async function loadExchange(exchangeId: string | undefined): Promise<CcxtExchangeLike> {
  const ccxt = await importCcxt();
  if (exchangeId === undefined) {
    throw new BuffError('INVALID_INPUT', 'the ccxt provider needs an exchange id (e.g. binance)', {
      details: { key: 'exchangeId' },
    });
  }
  const ExchangeClass = (ccxt as Record<string, unknown>)[exchangeId];
  if (typeof ExchangeClass !== 'function') {
    throw new BuffError('INVALID_INPUT', `ccxt has no exchange "${exchangeId}"`, {
      details: { key: 'exchangeId', value: exchangeId },
    });
  }
  return new (ExchangeClass as new (config: object) => CcxtExchangeLike)({ enableRateLimit: true });
}

/** Imports ccxt only when used; a missing install becomes DEPENDENCY_MISSING. */
export async function importCcxt(): Promise<unknown> {
  const specifier = 'ccxt';
  try {
    const module = (await import(specifier)) as { default?: unknown };
    return module.default ?? module;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = err instanceof Error ? err.message : String(err);
    // Node sets a code; bundlers and test runners (vite) only say so in the message.
    if (
      code === 'ERR_MODULE_NOT_FOUND' ||
      code === 'MODULE_NOT_FOUND' ||
      /(resolve|find (module|package)) ['"]ccxt['"]/i.test(message)
    ) {
      throw new BuffError('DEPENDENCY_MISSING', 'ccxt is not installed; npm install ccxt', {
        cause: err,
        details: { key: 'ccxt' },
      });
    }
    throw err;
  }
}
