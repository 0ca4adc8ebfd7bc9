import { BuffError, type Bars } from '@buff/core';
import { readRunArtifacts } from '@buff/engine';
import { readBars } from '@buff/ingest';
import { readRunManifest } from './run-files.js';
import type { ServerContext } from './server-context.js';

/** Chart data of one run and symbol, as columns (times in UTC seconds, as the chart wants). */
export interface RunSeries {
  symbol: string;
  symbols: string[];
  /** 'dataset' when candles come from the stored input table, 'decisions' when only closes were available. */
  candleSource: 'dataset' | 'decisions';
  candles: { time: number[]; open: number[]; high: number[]; low: number[]; close: number[] };
  markers: Array<{ time: number; side: 'buy' | 'sell' | 'blocked'; label: string }>;
  equity: { time: number[]; value: number[] };
  drawdown: { time: number[]; value: number[] };
}

const BUY = new Set(['enter_long', 'reverse_to_long']);
const SELL = new Set(['exit', 'enter_short', 'reverse_to_short', 'flatten', 'stopped']);

function candlesFrom(bars: Bars, since: number, until: number): RunSeries['candles'] {
  const out: RunSeries['candles'] = { time: [], open: [], high: [], low: [], close: [] };
  for (let i = 0; i < bars.ts.length; i++) {
    const ts = bars.ts[i] as number;
    if (ts < since || ts >= until) continue;
    out.time.push(ts / 1000);
    out.open.push(bars.open[i] as number);
    out.high.push(bars.high[i] as number);
    out.low.push(bars.low[i] as number);
    out.close.push(bars.close[i] as number);
  }
  return out;
}

/**
 * Price (stored candles of the run's input, cut to its window), decision markers, equity and
 * drawdown of one run for the charts. `symbol` defaults to the run's first symbol.
 * @example const series = await readRunSeries(ctx, 'run-0123456789abcdef');
 */
export async function readRunSeries(ctx: ServerContext, id: string, symbol?: string): Promise<RunSeries> {
  const registry = await ctx.registry();
  if (!(await registry.has(id))) throw new BuffError('RUN_NOT_FOUND', `no run ${id}`, { details: { key: 'id', value: id } });
  const runDir = registry.runDir(id);
  const manifest = await readRunManifest(runDir, id);
  const symbols = [...new Set(manifest.inputs.map((input) => input.symbol))];
  const chosen = symbol ?? symbols[0];
  const input = manifest.inputs.find((i) => i.symbol === chosen);
  if (chosen === undefined || input === undefined) throw new BuffError('NOT_FOUND', `run ${id} has no input ${symbol ?? ''}`, { details: { key: 'symbol', value: symbol } });
  const { decisions, equity } = await readRunArtifacts(runDir);
  const symbolCode = decisions.symbols.indexOf(chosen);

  const window = (manifest.config as { window?: { since?: string; until?: string } }).window ?? {};
  const since = window.since ? Date.parse(window.since) : -Infinity;
  const until = window.until ? Date.parse(window.until) : Infinity;
  let candleSource: RunSeries['candleSource'] = 'dataset';
  let candles: RunSeries['candles'];
  try {
    const { bars, table } = await readBars(ctx.dataRoot, chosen, input.timeframe as Parameters<typeof readBars>[2]);
    if (table.contentId !== input.contentId) throw new Error('dataset changed since the run');
    candles = candlesFrom(bars, since, until);
  } catch {
    candleSource = 'decisions';
    candles = { time: [], open: [], high: [], low: [], close: [] };
    for (let i = 0; i < decisions.length; i++) {
      if (decisions.symbol[i] !== symbolCode) continue;
      const close = decisions.close[i] as number;
      candles.time.push((decisions.ts[i] as number) / 1000);
      candles.open.push(close);
      candles.high.push(close);
      candles.low.push(close);
      candles.close.push(close);
    }
  }

  const markers: RunSeries['markers'] = [];
  for (let i = 0; i < decisions.length; i++) {
    if (decisions.symbol[i] !== symbolCode) continue;
    const action = decisions.actions[decisions.action[i] as number] ?? 'hold';
    const side = BUY.has(action) ? 'buy' : SELL.has(action) ? 'sell' : action === 'blocked' ? 'blocked' : undefined;
    if (side !== undefined) markers.push({ time: (decisions.ts[i] as number) / 1000, side, label: action });
  }

  const eq: RunSeries['equity'] = { time: [], value: [] };
  const dd: RunSeries['drawdown'] = { time: [], value: [] };
  for (let i = 0; i < equity.length; i++) {
    const time = (equity.ts[i] as number) / 1000;
    eq.time.push(time);
    eq.value.push(equity.equity[i] as number);
    dd.time.push(time);
    dd.value.push(equity.drawdown[i] as number);
  }
  return { symbol: chosen, symbols, candleSource, candles, markers, equity: eq, drawdown: dd };
}
