import { BuffError, type Bars } from '@buff/core';
import { synthesizeBars } from '@buff/ingest';
import { loadRunInputs } from '../run-inputs.js';
import type { RunConfig } from '../run-config.js';

export type FeedKind = 'replay' | 'synthetic';

/**
 * The bars a feed delivers, in order. `replay`: the stored dataset over the config window (exactly
 * the bars a backtest of that window reads); `synthetic`: a seeded 1m series from window.since
 * (data.synthetic seed and signal). The dry run delivers them one at a time, at its own pace.
 * @example const bars = await feedBars('replay', config, 'data');
 */
export async function feedBars(kind: FeedKind, config: RunConfig, dataRoot: string): Promise<Bars> {
  if (config.symbols.length !== 1) {
    throw new BuffError(
      'INVALID_CONFIG',
      `a dry-run session runs one symbol, the config has ${config.symbols.length}`,
      {
        details: { key: 'symbols', rule: 'ONE_SYMBOL' },
      },
    );
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
  const days = Math.ceil((until - since) / 86_400_000);
  const all = synthesizeBars({
    seed: options.seed,
    signal: options.signal,
    days,
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
