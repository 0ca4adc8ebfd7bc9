import { BuffError, sha256Hex, timeframeMs, type Bars, type RunInput, type Timeframe } from '@buff/core';
import { readRunArtifacts } from '@buff/engine';
import { barsToIpc, readBars, readDatasetManifest, resample } from '@buff/ingest';
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
// A stopped run's rows after its `flatten` are all `stopped`: the flatten row is the exit, so `stopped` draws no marker.
const SELL = new Set(['exit', 'enter_short', 'reverse_to_short', 'flatten']);

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
 * The exact bars a run used: the stored table with the input's content id, or a finer stored
 * table resampled the way the builder does it (checked against the content id). DATASET_NOT_FOUND
 * when the store no longer has them.
 */
async function readInputBars(dataRoot: string, input: RunInput): Promise<Bars> {
  const manifest = await readDatasetManifest(dataRoot, input.symbol);
  const target = input.timeframe as Timeframe;
  const tables = Object.values(manifest.tables).sort((a, b) => timeframeMs(b.timeframe) - timeframeMs(a.timeframe));
  const exact = tables.find((t) => t.contentId === input.contentId);
  if (exact) return (await readBars(dataRoot, input.symbol, exact.timeframe)).bars;
  for (const table of tables) {
    const from = timeframeMs(table.timeframe);
    if (from >= timeframeMs(target) || timeframeMs(target) % from !== 0) continue;
    const derived = resample((await readBars(dataRoot, input.symbol, table.timeframe)).bars, target, {
      sourceTimeframe: table.timeframe,
    });
    if (sha256Hex(barsToIpc(derived)) === input.contentId) return derived;
  }
  throw new BuffError(
    'DATASET_NOT_FOUND',
    `the store no longer holds the input ${input.contentId} of ${input.symbol}`,
    { details: { key: 'contentId', value: input.contentId } },
  );
}

/**
 * Price (stored candles of the run's input, cut to its window), decision markers, equity and
 * drawdown of one run for the charts. `symbol` defaults to the run's first symbol.
 * @example const series = await readRunSeries(ctx, 'run-0123456789abcdef');
 */
export async function readRunSeries(ctx: ServerContext, id: string, symbol?: string): Promise<RunSeries> {
  const registry = await ctx.registry();
  if (!(await registry.has(id)))
    throw new BuffError('RUN_NOT_FOUND', `no run ${id}`, { details: { key: 'id', value: id } });
  const runDir = registry.runDir(id);
  const manifest = await readRunManifest(runDir, id);
  const symbols = [...new Set(manifest.inputs.map((input) => input.symbol))];
  const chosen = symbol ?? symbols[0];
  const input = manifest.inputs.find((i) => i.symbol === chosen);
  if (chosen === undefined || input === undefined)
    throw new BuffError('NOT_FOUND', `run ${id} has no input ${symbol ?? ''}`, {
      details: { key: 'symbol', value: symbol },
    });
  const { decisions, equity } = await readRunArtifacts(runDir, { symbol: chosen });
  const column = (table: Record<string, Array<number | string | null>>, name: string): Array<number | string | null> =>
    table[name] ?? [];
  const decisionTs = column(decisions, 'ts');
  const decisionClose = column(decisions, 'close');
  const decisionAction = column(decisions, 'action');

  const window = (manifest.config as { window?: { since?: string; until?: string } }).window ?? {};
  const since = window.since ? Date.parse(window.since) : -Infinity;
  const until = window.until ? Date.parse(window.until) : Infinity;
  let candleSource: RunSeries['candleSource'] = 'dataset';
  let candles: RunSeries['candles'];
  try {
    candles = candlesFrom(await readInputBars(ctx.dataRoot, input), since, until);
  } catch {
    // the stored table is gone or changed: plot the closes the decisions recorded
    candleSource = 'decisions';
    candles = { time: [], open: [], high: [], low: [], close: [] };
    for (let i = 0; i < decisionTs.length; i++) {
      const close = decisionClose[i];
      if (typeof close !== 'number') continue;
      candles.time.push((decisionTs[i] as number) / 1000);
      candles.open.push(close);
      candles.high.push(close);
      candles.low.push(close);
      candles.close.push(close);
    }
  }

  const markers: RunSeries['markers'] = [];
  for (let i = 0; i < decisionTs.length; i++) {
    const action = String(decisionAction[i] ?? 'hold');
    const side = BUY.has(action) ? 'buy' : SELL.has(action) ? 'sell' : action === 'blocked' ? 'blocked' : undefined;
    if (side !== undefined) markers.push({ time: (decisionTs[i] as number) / 1000, side, label: action });
  }

  const eq: RunSeries['equity'] = { time: [], value: [] };
  const dd: RunSeries['drawdown'] = { time: [], value: [] };
  const equityTs = column(equity, 'ts');
  const equityValue = column(equity, 'equity');
  const drawdownValue = column(equity, 'drawdown');
  for (let i = 0; i < equityTs.length; i++) {
    const time = (equityTs[i] as number) / 1000;
    if (typeof equityValue[i] === 'number') {
      eq.time.push(time);
      eq.value.push(equityValue[i] as number);
    }
    if (typeof drawdownValue[i] === 'number') {
      dd.time.push(time);
      dd.value.push(drawdownValue[i] as number);
    }
  }
  return { symbol: chosen, symbols, candleSource, candles, markers, equity: eq, drawdown: dd };
}
