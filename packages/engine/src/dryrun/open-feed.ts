import { BuffError, type Bars } from '@buff/core';
import { importCcxt } from '@buff/ingest';
import type { RunConfig } from '../run-config.js';
import { ccxtFeed, type OhlcvExchange } from './ccxt-feed.js';
import type { FeedKind, FeedResume, SessionFeed } from './session-feed.js';
import type { CcxtFeedSettings } from './session-files.js';
import { feedBars, storedFeed } from './stored-feed.js';

/** What a session's feed is opened from: its lanes' configs, where it resumes, the live settings. */
export interface OpenFeedInput {
  kind: FeedKind;
  lanes: RunConfig[];
  dataRoot: string;
  resume: FeedResume;
  stepMs: number;
  ccxt?: CcxtFeedSettings | undefined;
  /** An exchange object to use instead of constructing `ccxt.<exchange>` (tests, custom clients). */
  exchange?: OhlcvExchange | undefined;
  /** The live feed's clock (default: the wall clock and real waits). */
  clock?: { now(): number; wait(ms: number): Promise<void> } | undefined;
}

/**
 * Opens a session's feed: stored bars for `replay` and `synthetic`, a ccxt poller for `ccxt`.
 * @example const feed = await openFeed({ kind: 'replay', lanes, dataRoot, resume, stepMs: 60_000 });
 */
export async function openFeed(input: OpenFeedInput): Promise<SessionFeed> {
  if (input.kind !== 'ccxt') {
    const bars: Bars[] = [];
    for (const lane of input.lanes) bars.push(await feedBars(input.kind, lane, input.dataRoot));
    return storedFeed(input.kind, bars, input.resume);
  }
  const settings = input.ccxt;
  if (settings === undefined) {
    throw new BuffError('INVALID_CONFIG', 'the ccxt feed needs an exchange (dryrun.ccxt.exchange, --exchange)', {
      details: { key: 'dryrun.ccxt.exchange', rule: 'CCXT_EXCHANGE' },
    });
  }
  const first = input.lanes[0] as RunConfig;
  return ccxtFeed({
    exchange: input.exchange ?? (await constructExchange(settings)),
    markets: input.lanes.map((l) => marketOf(l.symbols[0] as string, settings)),
    timeframe: first.timeframe,
    stepMs: input.stepMs,
    since: Date.parse(first.window.since),
    until: Date.parse(first.window.until),
    resume: input.resume,
    pollMs: settings.pollMs,
    maxAttempts: settings.maxAttempts,
    retryMs: settings.retryMs,
    now: input.clock ? () => input.clock?.now() ?? Date.now() : undefined,
    wait: input.clock ? (ms) => input.clock?.wait(ms) ?? Promise.resolve() : undefined,
  });
}

function marketOf(symbol: string, settings: CcxtFeedSettings): string {
  return settings.markets?.[symbol] ?? symbol.replace('-', '/');
}

/** `new ccxt[exchange]({ options })` with `urls.api` entries replaced as the settings say. */
async function constructExchange(settings: CcxtFeedSettings): Promise<OhlcvExchange> {
  const ccxt = (await importCcxt()) as Record<string, unknown>;
  const ExchangeClass = ccxt[settings.exchange];
  if (typeof ExchangeClass !== 'function') {
    throw new BuffError('INVALID_CONFIG', `ccxt has no exchange "${settings.exchange}"`, {
      details: { key: 'dryrun.ccxt.exchange', value: settings.exchange, rule: 'CCXT_EXCHANGE' },
    });
  }
  const exchange = new (ExchangeClass as new (config: object) => OhlcvExchange & { urls: { api: unknown } })({
    enableRateLimit: true,
    ...(settings.options ? { options: settings.options } : {}),
  });
  if (settings.urls) {
    const api = exchange.urls.api;
    exchange.urls.api = typeof api === 'object' && api !== null ? { ...api, ...settings.urls } : { ...settings.urls };
  }
  return exchange;
}
