import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBuffError } from '@buff/core';
import { getProvider, resolveProviderName } from './get-provider.js';
import { PROVIDER_NAMES } from './provider.js';
import { synthesizeBars } from '../synthetic.js';
import type { CcxtExchangeLike } from './ccxt-provider.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const MIN = 60_000;

/** A fake ccxt exchange serving `total` 1m candles from T0, honouring since/limit like an exchange. */
function fakeExchange(
  total: number,
  mutate?: (rows: number[][]) => void,
): CcxtExchangeLike & { calls: Array<[number | undefined, number | undefined]> } {
  const rows = Array.from({ length: total }, (_, i) => [T0 + i * MIN, 10 + i, 11 + i, 9 + i, 10.5 + i, i]);
  mutate?.(rows);
  const calls: Array<[number | undefined, number | undefined]> = [];
  return {
    id: 'fake',
    calls,
    fetchOHLCV: (_symbol, _timeframe, since, limit) => {
      calls.push([since, limit]);
      const from =
        since === undefined
          ? Math.max(0, rows.length - (limit ?? 500))
          : rows.findIndex((row) => (row[0] as number) >= since);
      return Promise.resolve(from < 0 ? [] : rows.slice(from, from + (limit ?? 500)));
    },
    loadMarkets: () => Promise.resolve({}),
  };
}

async function rejectCode(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (err: unknown) => (isBuffError(err) ? err.code : String(err)),
  );
}

describe('getProvider', () => {
  it('knows synthetic, csv and ccxt, and rejects other names with UNKNOWN_PROVIDER', () => {
    for (const name of PROVIDER_NAMES) expect(getProvider(name).name).toBe(name);
    expect(() => getProvider('yahoo')).toThrow(expect.objectContaining({ code: 'UNKNOWN_PROVIDER' }));
  });

  it('resolves the name from the flag, then DATA_PROVIDER, then synthetic', () => {
    expect(resolveProviderName('csv', { DATA_PROVIDER: 'ccxt' })).toBe('csv');
    expect(resolveProviderName(undefined, { DATA_PROVIDER: 'ccxt' })).toBe('ccxt');
    expect(resolveProviderName(undefined, {})).toBe('synthetic');
  });
});

describe('synthetic provider', () => {
  it('serves synthesizeBars for the request window and describes its params', async () => {
    const provider = getProvider('synthetic', { seed: 7, signal: 0.5 });
    expect(await provider.testConnection()).toMatchObject({ ok: true });
    const request = { symbol: 'BTC-USD', since: '2024-02-01T00:00:00Z', until: '2024-02-02T00:00:00Z' };
    const bars = await provider.fetchBars(request);
    expect(bars).toEqual(synthesizeBars({ days: 1, seed: 7, signal: 0.5, start: request.since, symbol: 'BTC-USD' }));
    expect(provider.describeSource(request)).toEqual({
      kind: 'synthetic',
      params: { seed: 7, days: 1, signal: 0.5, pattern: 'regime', start: request.since, generator: 2 },
    });
  });
});

describe('csv provider', () => {
  it('reads a CSV through the strict parser and cuts it to the window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'buff-csv-provider-'));
    try {
      const file = join(dir, 'bars.csv');
      const lines = ['timestamp,open,high,low,close,volume'];
      for (let i = 0; i < 10; i++) lines.push(`${new Date(T0 + i * MIN).toISOString()},1,2,0.5,1.5,${i}`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const provider = getProvider('csv', { file });
      expect(await provider.testConnection()).toMatchObject({ ok: true });
      const bars = await provider.fetchBars({
        symbol: 'X',
        since: new Date(T0 + 2 * MIN).toISOString(),
        until: new Date(T0 + 5 * MIN).toISOString(),
      });
      expect(Array.from(bars.volume)).toEqual([2, 3, 4]);
      expect(provider.describeSource({ symbol: 'X' })).toEqual({ kind: 'csv', file: 'bars.csv' });
      expect(await getProvider('csv', { file: join(dir, 'absent.csv') }).testConnection()).toMatchObject({ ok: false });
      writeFileSync(file, `${lines.join('\n')}\n${new Date(T0).toISOString()},1,2,0.5,1.5,1\n`);
      expect(await rejectCode(provider.fetchBars({ symbol: 'X' }))).toBe('UNORDERED_TIMESTAMP');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ccxt provider', () => {
  it('pages through an injected exchange from since to until and converts rows to bars', async () => {
    const exchange = fakeExchange(2500);
    const provider = getProvider('ccxt', { exchange, pageLimit: 1000 });
    expect(await provider.testConnection()).toMatchObject({ ok: true });
    const bars = await provider.fetchBars({
      symbol: 'BTC-USDT',
      since: new Date(T0).toISOString(),
      until: new Date(T0 + 2200 * MIN).toISOString(),
    });
    expect(bars.ts.length).toBe(2200);
    expect(bars.ts[2199]).toBe(T0 + 2199 * MIN);
    expect(bars.close[5]).toBe(15.5);
    expect(exchange.calls.map(([since]) => since)).toEqual([T0, T0 + 1000 * MIN, T0 + 2000 * MIN]);
    expect(provider.describeSource({ symbol: 'BTC-USDT', since: '2024-01-01T00:00:00Z' })).toEqual({
      kind: 'ccxt',
      params: { exchange: 'fake', since: '2024-01-01T00:00:00Z' },
    });
  });

  it.each([
    ['UNORDERED_TIMESTAMP', (rows: number[][]) => rows.reverse()],
    ['DUPLICATE_TIMESTAMP', (rows: number[][]) => ((rows[3] as number[])[0] = (rows[2] as number[])[0] as number)],
    ['HIGH_BELOW_OPEN_CLOSE', (rows: number[][]) => ((rows[3] as number[])[2] = 0)],
    ['LOW_ABOVE_OPEN_CLOSE', (rows: number[][]) => ((rows[3] as number[])[3] = 100)],
    ['NEGATIVE_VOLUME', (rows: number[][]) => ((rows[3] as number[])[5] = -1)],
    ['WRONG_SPACING', (rows: number[][]) => ((rows[3] as number[])[0] = ((rows[3] as number[])[0] as number) + 1)],
    ['BAD_NUMBER', (rows: number[][]) => ((rows[3] as unknown[])[4] = null)],
    ['BAD_ROW', (rows: number[][]) => (rows[3] = [1, 2])],
  ])('applies the ingest row rules: %s', async (code, mutate) => {
    const provider = getProvider('ccxt', { exchange: fakeExchange(10, mutate) });
    expect(await rejectCode(provider.fetchBars({ symbol: 'BTC-USDT', since: new Date(T0).toISOString() }))).toBe(code);
  });

  it('turns an exchange or network failure into PROVIDER_UNAVAILABLE naming the market and page', async () => {
    const exchange: CcxtExchangeLike = {
      id: 'fakex',
      fetchOHLCV: () => Promise.reject(new Error('getaddrinfo ENOTFOUND api.fakex.test')),
    };
    const failed = getProvider('ccxt', { exchange }).fetchBars({
      symbol: 'BTC-USDT',
      since: new Date(T0).toISOString(),
    });
    await expect(failed).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: `ccxt fakex BTC/USDT: fetchOHLCV 1m from ${new Date(T0).toISOString()} failed: getaddrinfo ENOTFOUND api.fakex.test`,
    });
  });

  it('loads a ccxt exchange class by id, without touching the network', async () => {
    const unknown = getProvider('ccxt', { exchangeId: 'no-such-exchange' });
    const refused = await unknown.fetchBars({ symbol: 'BTC-USDT' }).catch((err: unknown) => err);
    expect(isBuffError(refused) && refused.code).toBe('INVALID_INPUT');
    expect(String((refused as Error).message)).toContain('no-such-exchange');
    expect(await unknown.testConnection()).toEqual({ ok: false, message: 'ccxt has no exchange "no-such-exchange"' });
  });

  it('testConnection reports an unreachable exchange instead of throwing', async () => {
    const down: CcxtExchangeLike = {
      id: 'down',
      fetchOHLCV: async () => [],
      loadMarkets: async () => {
        throw new Error('ECONNREFUSED 127.0.0.1:9');
      },
    };
    const provider = getProvider('ccxt', { exchange: down });
    expect(await provider.testConnection()).toEqual({ ok: false, message: 'ECONNREFUSED 127.0.0.1:9' });
  });
});
