import { setTimeout as sleep } from 'node:timers/promises';
import { BuffError } from '@buff/core';
import type { FeedBar } from './feed-bar-check.js';
import type { FeedEvent, FeedResume, SessionFeed } from './session-feed.js';

/** The part of a ccxt exchange the live feed calls. */
export interface OhlcvExchange {
  id?: string;
  fetchOHLCV(market: string, timeframe?: string, since?: number, limit?: number): Promise<unknown[]>;
}

/** Settings of the live feed (the session records them, so that a resume polls the same way). */
export interface CcxtFeedOptions {
  exchange: OhlcvExchange;
  /** Exchange markets by lane (`BTC/USDT` for the Buff symbol `BTC-USDT`). */
  markets: string[];
  timeframe: string;
  stepMs: number;
  /** The config window: bars in [since, until) are delivered; the feed ends at until. */
  since: number;
  until: number;
  resume: FeedResume;
  /** Wait between polls when no lane has a new closed bar (default 5000 ms). */
  pollMs?: number | undefined;
  /** Attempts per request before the feed fails with PROVIDER_UNAVAILABLE (default 5). */
  maxAttempts?: number | undefined;
  /** First wait after a failed request, doubled per attempt (default 1000 ms). */
  retryMs?: number | undefined;
  /** Rows asked per request (default 500). */
  limit?: number | undefined;
  /** Wall clock (a bar is closed once ts + step <= now()); tests drive their own. */
  now?: (() => number) | undefined;
  /** Waits `ms` (tests advance their clock instead). */
  wait?: ((ms: number) => Promise<void>) | undefined;
  /** Whether a failed request may be retried (default: ccxt's NetworkError family by name). */
  isTransient?: ((err: unknown) => boolean) | undefined;
}

const TRANSIENT =
  /^(NetworkError|DDoSProtection|RateLimitExceeded|ExchangeNotAvailable|OnMaintenance|InvalidNonce|RequestTimeout)$/;

/**
 * A live feed of closed candles through ccxt's `fetchOHLCV`, polled per lane from the bar after the
 * last one delivered. Only closed bars pass (ts + step <= now), bars outside the window are dropped,
 * a poll's overlap with what was delivered is dropped (dedupe), and a bar the exchange repeats within
 * one answer is delivered again so that the ingest rules refuse and count it. Asking from the bar
 * after the last one means a hole the exchange can fill is filled; a hole it cannot fill reaches the
 * session as a gap. Failed requests are retried with a doubling wait, at most `maxAttempts` times.
 * @example const feed = ccxtFeed({ exchange, markets: ['BTC/USDT'], timeframe: '1m', stepMs: 60_000, since, until, resume });
 */
export function ccxtFeed(options: CcxtFeedOptions): SessionFeed {
  const k = options.markets.length;
  const now = options.now ?? Date.now;
  const wait = options.wait ?? ((ms: number) => sleep(ms));
  const last = options.markets.map((_, i) => options.resume.lastTs[i] ?? Number.NaN);
  const queues: FeedBar[][] = options.markets.map(() => []);
  // a poll made once every window bar had closed found nothing new: the exchange has no more bars
  const exhausted = options.markets.map(() => false);
  const from = (i: number): number => {
    const q = queues[i] as FeedBar[];
    const seen = q.length > 0 ? (q[q.length - 1] as FeedBar).ts : (last[i] as number);
    return Number.isFinite(seen) ? seen + options.stepMs : options.since;
  };
  const finished = (i: number): boolean =>
    (queues[i] as FeedBar[]).length === 0 && (from(i) >= options.until || (exhausted[i] as boolean));
  const poll = async (i: number): Promise<void> => {
    const since = from(i);
    const rows = await withRetries(options, options.markets[i] as string, () =>
      options.exchange.fetchOHLCV(options.markets[i] as string, options.timeframe, since, options.limit ?? 500),
    );
    const polledAt = now();
    const closedBefore = polledAt - options.stepMs;
    const bars = rows.map(barOfRow).filter((b) => b.ts >= since && b.ts < options.until && b.ts <= closedBefore);
    bars.sort((a, b) => a.ts - b.ts);
    (queues[i] as FeedBar[]).push(...bars);
    if (bars.length === 0 && polledAt >= options.until) exhausted[i] = true;
  };
  const take = (): FeedEvent | undefined => {
    let lane = -1;
    for (let i = 0; i < k; i++) {
      const head = (queues[i] as FeedBar[])[0];
      if (head && (lane < 0 || head.ts < ((queues[lane] as FeedBar[])[0] as FeedBar).ts)) lane = i;
    }
    if (lane < 0) return undefined;
    const bar = (queues[lane] as FeedBar[]).shift() as FeedBar;
    if (Number.isFinite(bar.ts))
      last[lane] = Math.max(bar.ts, Number.isFinite(last[lane]) ? (last[lane] as number) : bar.ts);
    return { lane, bar };
  };
  return {
    kind: 'ccxt',
    capacity: options.markets.map(() => Math.max(0, Math.round((options.until - options.since) / options.stepMs))),
    total: undefined,
    async next(shouldStop) {
      for (;;) {
        for (let i = 0; i < k; i++) if ((queues[i] as FeedBar[]).length === 0 && !finished(i)) await poll(i);
        const event = take();
        if (event) return event;
        if (queues.every((_, i) => finished(i))) return undefined;
        if (await pause(options.pollMs ?? 5000, wait, shouldStop)) return undefined;
      }
    },
    ready() {
      // `next` polls a lane whose queue is empty first: only when none must be polled is the next bar in hand
      let best: number | undefined;
      for (let i = 0; i < k; i++) {
        const bar = (queues[i] as FeedBar[])[0];
        if (bar === undefined && !finished(i)) return undefined;
        if (bar !== undefined && (best === undefined || bar.ts < best)) best = bar.ts;
      }
      return best;
    },
  };
}

/** Waits in slices so that a stop request ends the wait; true when stopped. */
async function pause(ms: number, wait: (ms: number) => Promise<void>, shouldStop: () => boolean): Promise<boolean> {
  for (let left = ms; left > 0; left -= 250) {
    if (shouldStop()) return true;
    await wait(Math.min(250, left));
  }
  return shouldStop();
}

async function withRetries(options: CcxtFeedOptions, market: string, request: () => Promise<unknown[]>) {
  const attempts = options.maxAttempts ?? 5;
  const transient = options.isTransient ?? ((err: unknown) => TRANSIENT.test((err as Error)?.name ?? ''));
  const wait = options.wait ?? ((ms: number) => sleep(ms));
  let delay = options.retryMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const rows = await request();
      if (!Array.isArray(rows)) throw new TypeError(`fetchOHLCV answered ${typeof rows}, not an array`);
      return rows;
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      if (attempt >= attempts || !transient(err)) {
        const exchange = options.exchange.id ?? 'exchange';
        const tried = transient(err) ? `failed ${attempt} times` : 'failed (not retried)';
        throw new BuffError('PROVIDER_UNAVAILABLE', `ccxt ${exchange} fetchOHLCV ${market} ${tried}: ${message}`, {
          cause: err,
          details: { key: 'feed', value: market, rule: 'FEED_REQUEST', attempts: attempt },
        });
      }
      await wait(delay);
      delay *= 2;
    }
  }
}

/** A ccxt OHLCV row as a bar; anything not a number becomes NaN (the ingest rules refuse it). */
function barOfRow(row: unknown): FeedBar {
  const r = Array.isArray(row) ? row : [];
  const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN);
  return { ts: num(r[0]), open: num(r[1]), high: num(r[2]), low: num(r[3]), close: num(r[4]), volume: num(r[5]) };
}
