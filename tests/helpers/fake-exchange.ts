import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One 1m candle as the fake exchange stores it. */
export interface FakeCandle {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * A local HTTP server answering Binance's public REST shape (GET /api/v3/exchangeInfo, GET
 * /api/v3/klines) so that ccxt's real binance class can be pointed at it (`urls.api.public`). It
 * serves the candles whose open time is at most its clock, the last one still forming (its close
 * moved), and can be told to fail requests or repeat a candle in its answers.
 * @example const fake = await startFakeBinance({ 'SIG/USDT': candles }, clock); fake.apiUrl // http://127.0.0.1:p/api/v3
 */
export async function startFakeBinance(
  candles: Record<string, FakeCandle[]>,
  clock: { now(): number },
): Promise<FakeBinance> {
  const markets = Object.keys(candles).map((pair) => {
    const [baseAsset, quoteAsset] = pair.split('/') as [string, string];
    return { pair, id: `${baseAsset}${quoteAsset}`, baseAsset, quoteAsset };
  });
  const fake: Omit<FakeBinance, 'apiUrl' | 'close'> = { failures: [], repeats: new Set(), requests: [] };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    fake.requests.push(`${url.pathname}${url.search}`);
    const failure = url.pathname.endsWith('/klines') ? fake.failures.shift() : undefined;
    if (failure !== undefined) {
      res.writeHead(failure, { 'content-type': 'text/plain' }).end('fake outage');
      return;
    }
    if (url.pathname === '/api/v3/exchangeInfo') {
      const symbols = markets.map((m) => ({
        symbol: m.id,
        status: 'TRADING',
        baseAsset: m.baseAsset,
        quoteAsset: m.quoteAsset,
        baseAssetPrecision: 8,
        quotePrecision: 8,
        filters: [],
        permissions: ['SPOT'],
      }));
      send(res, { timezone: 'UTC', serverTime: clock.now(), rateLimits: [], exchangeFilters: [], symbols });
    } else if (url.pathname === '/api/v3/klines') {
      const market = markets.find((m) => m.id === url.searchParams.get('symbol'));
      if (!market || url.searchParams.get('interval') !== '1m') {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":-1121,"msg":"Invalid symbol."}');
        return;
      }
      send(res, klines(candles[market.pair] as FakeCandle[], url.searchParams, clock.now(), fake.repeats));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    apiUrl: `http://127.0.0.1:${port}/api/v3`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export interface FakeBinance {
  /** `urls.api.public` for ccxt's binance. */
  apiUrl: string;
  /** HTTP statuses the next klines requests answer with (one per request, in order). */
  failures: number[];
  /** Candle times answered twice (a duplicate row in the same answer). */
  repeats: Set<number>;
  /** Every request's path and query, in order. */
  requests: string[];
  close(): Promise<void>;
}

function klines(list: FakeCandle[], query: URLSearchParams, now: number, repeats: Set<number>): unknown[] {
  const start = Number(query.get('startTime') ?? 0);
  const limit = Number(query.get('limit') ?? 500);
  const rows: unknown[] = [];
  for (const c of list) {
    if (c.ts < start || c.ts > now) continue;
    const forming = c.ts + 60_000 > now;
    // a forming candle: its close (and so its high/low) still moves
    const close = forming ? c.close * 1.01 : c.close;
    const high = forming ? Math.max(c.high, close) : c.high;
    const low = forming ? Math.min(c.low, close) : c.low;
    const row = [c.ts, `${c.open}`, `${high}`, `${low}`, `${close}`].concat([
      `${c.volume}`,
      c.ts + 59_999,
      '0',
      1,
      '0',
      '0',
      '0',
    ] as never[]);
    rows.push(row);
    if (repeats.has(c.ts)) rows.push(row);
    if (rows.length >= limit) break;
  }
  return rows.slice(0, limit);
}

function send(res: import('node:http').ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
