import { BuffError, type Bars } from '@buff/core';
import { synthesizeBars } from '@buff/ingest';
import { loadRunInputs } from '../run-inputs.js';
import type { RunConfig } from '../run-config.js';
import type { FeedEvent, FeedResume, SessionFeed } from './session-feed.js';

/**
 * The bars a stored feed delivers for one symbol (a one-symbol config), in order. `replay`: the
 * stored dataset over the config window (exactly the bars a backtest of that window reads);
 * `synthetic`: a seeded 1m series from window.since (data.synthetic seed and signal).
 * @example const bars = await feedBars('replay', laneConfig, 'data');
 */
export async function feedBars(kind: 'replay' | 'synthetic', config: RunConfig, dataRoot: string): Promise<Bars> {
  if (config.symbols.length !== 1) {
    throw new BuffError('INVALID_CONFIG', `a dry-run lane runs one symbol, the config has ${config.symbols.length}`, {
      details: { key: 'symbols', rule: 'ONE_SYMBOL' },
    });
  }
  if (kind === 'replay') {
    const { bars, verified } = await loadRunInputs(config, dataRoot);
    await verified;
    return bars[0] as Bars;
  }
  if (config.timeframe !== '1m') {
    throw new BuffError('INVALID_CONFIG', `the synthetic feed delivers 1m bars, the config is ${config.timeframe}`, {
      details: { key: 'timeframe', value: config.timeframe, rule: 'SYNTHETIC_1M' },
    });
  }
  const since = Date.parse(config.window.since);
  const until = Date.parse(config.window.until);
  const options = config.data.synthetic ?? { seed: 7, signal: 0 };
  const all = synthesizeBars({
    seed: options.seed,
    signal: options.signal,
    days: Math.ceil((until - since) / 86_400_000),
    start: config.window.since,
    symbol: config.symbols[0] as string,
  });
  const n = Math.min(all.ts.length, Math.round((until - since) / 60_000));
  return {
    ts: all.ts.subarray(0, n),
    open: all.open.subarray(0, n),
    high: all.high.subarray(0, n),
    low: all.low.subarray(0, n),
    close: all.close.subarray(0, n),
    volume: all.volume.subarray(0, n),
  };
}

/**
 * A feed over bars known up front, one Bars per lane, merged in time order (lanes in order at equal
 * times); a resumed session skips the `resume.seq` bars it already handled.
 * @example const feed = storedFeed('replay', [btc, eth], { seq: 0, lastTs: [] });
 */
export function storedFeed(kind: 'replay' | 'synthetic', lanes: Bars[], resume: FeedResume): SessionFeed {
  const cursor = new Int32Array(lanes.length);
  const total = lanes.reduce((sum, b) => sum + b.ts.length, 0);
  /** The lane whose next bar comes first (-1 when every lane is done). */
  const head = (): number => {
    let lane = -1;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < lanes.length; i++) {
      const b = lanes[i] as Bars;
      const t = cursor[i] as number;
      if (t < b.ts.length && (b.ts[t] as number) < best) {
        best = b.ts[t] as number;
        lane = i;
      }
    }
    return lane;
  };
  const take = (): FeedEvent | undefined => {
    const lane = head();
    if (lane < 0) return undefined;
    const b = lanes[lane] as Bars;
    const t = cursor[lane] as number;
    cursor[lane] = t + 1;
    const bar = {
      ts: b.ts[t] as number,
      open: b.open[t] as number,
      high: b.high[t] as number,
      low: b.low[t] as number,
      close: b.close[t] as number,
      volume: b.volume[t] as number,
    };
    return { lane, bar };
  };
  for (let s = 0; s < resume.seq && take() !== undefined; s++);
  return {
    kind,
    capacity: lanes.map((b) => b.ts.length),
    total,
    next: async () => take(),
    ready: () => {
      const lane = head();
      return lane < 0 ? undefined : ((lanes[lane] as Bars).ts[cursor[lane] as number] as number);
    },
  };
}
