import { BuffError, timeframeMs, type Bars, type RunInput, type Timeframe } from '@buff/core';
import { readRunArtifacts } from '@buff/engine';
import { readBars, readDatasetManifest, resample, storedContentId } from '@buff/ingest';
import { readRunManifest } from './run-files.js';
import {
  bucketCandles,
  minMaxLine,
  rangeIndexes,
  type CandleColumns,
  type LineColumns,
} from './series/downsample-series.js';
import { guardrailPeriods, type GuardrailPeriod } from './series/guardrail-periods.js';
import type { ServerContext } from './server-context.js';

/** Chart data of one run and symbol, as columns (times in UTC seconds, as the chart wants). */
export interface RunSeries {
  symbol: string;
  symbols: string[];
  /** 'dataset' when candles come from the stored input table, 'decisions' when only closes were available. */
  candleSource: 'dataset' | 'decisions';
  /** The run's window (UTC seconds; null when open-ended) and the range these series cover. */
  window: { since: number | null; until: number | null };
  range: { from: number; to: number };
  /** Candles in the range before and after downsampling (`points` caps the latter). */
  bars: { inRange: number; shown: number };
  candles: CandleColumns;
  /** Entries and exits (trades), never one per bar. */
  markers: Array<{ time: number; side: 'buy' | 'sell'; label: string }>;
  /** Guardrail refusals as shaded periods. */
  blocks: GuardrailPeriod[];
  equity: LineColumns;
  /** Drawdown from the running peak, in percent (-12.5 = 12.5% below the peak). */
  drawdownPct: LineColumns;
}

/** What part of the series to send and how many points at most per series. */
export interface SeriesRequest {
  symbol?: string;
  /** Visible range in UTC seconds; the whole run when absent. */
  from?: number;
  to?: number;
  /** Points per series after downsampling (default 2000). */
  points?: number;
}

/** Points per series when the client does not say (about two per pixel of a wide chart). */
const DEFAULT_POINTS = 2000;
const BUY = new Set(['enter_long', 'reverse_to_long']);
// A stopped run's rows after its `flatten` are `stopped`: the flatten row is the exit; refusals are periods, not markers.
const SELL = new Set(['exit', 'enter_short', 'reverse_to_short', 'flatten']);

function candlesFrom(bars: Bars, since: number, until: number): CandleColumns {
  const out: CandleColumns = { time: [], open: [], high: [], low: [], close: [] };
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
 * The exact bars a run used in its window [since, until): the stored table with the input's
 * content id (only its record batches that hold the window are read), or a finer stored table
 * resampled the way the builder does it (checked against the content id, so read whole).
 * DATASET_NOT_FOUND when the store no longer has them.
 */
async function readInputBars(dataRoot: string, input: RunInput, since: number, until: number): Promise<Bars> {
  const manifest = await readDatasetManifest(dataRoot, input.symbol);
  const target = input.timeframe as Timeframe;
  const tables = Object.values(manifest.tables).sort((a, b) => timeframeMs(b.timeframe) - timeframeMs(a.timeframe));
  const exact = tables.find((t) => t.contentId === input.contentId);
  if (exact) {
    const window = { from: Number.isFinite(since) ? since : undefined, to: Number.isFinite(until) ? until : undefined };
    return (await readBars(dataRoot, input.symbol, exact.timeframe, window)).bars;
  }
  for (const table of tables) {
    const from = timeframeMs(table.timeframe);
    if (from >= timeframeMs(target) || timeframeMs(target) % from !== 0) continue;
    const derived = resample((await readBars(dataRoot, input.symbol, table.timeframe)).bars, target, {
      sourceTimeframe: table.timeframe,
    });
    if (storedContentId(derived) === input.contentId) return derived;
  }
  throw new BuffError(
    'DATASET_NOT_FOUND',
    `the store no longer holds the input ${input.contentId} of ${input.symbol}`,
    { details: { key: 'contentId', value: input.contentId } },
  );
}

/** Candles from the closes the decisions recorded (when the stored table is gone or changed). */
function candlesFromDecisions(ts: Array<number | string | null>, close: Array<number | string | null>): CandleColumns {
  const candles: CandleColumns = { time: [], open: [], high: [], low: [], close: [] };
  for (let i = 0; i < ts.length; i++) {
    const c = close[i];
    if (typeof c !== 'number') continue;
    candles.time.push((ts[i] as number) / 1000);
    candles.open.push(c);
    candles.high.push(c);
    candles.low.push(c);
    candles.close.push(c);
  }
  return candles;
}

/** Numeric column pairs as a line, only the rows inside [from, to]; `scale` multiplies values. */
function lineFrom(
  ts: Array<number | string | null>,
  values: Array<number | string | null>,
  range: { from: number; to: number },
  scale = 1,
): LineColumns {
  const line: LineColumns = { time: [], value: [] };
  for (let i = 0; i < ts.length; i++) {
    const time = (ts[i] as number) / 1000;
    const value = values[i];
    if (typeof value !== 'number' || time < range.from || time > range.to) continue;
    line.time.push(time);
    line.value.push(value * scale);
  }
  return line;
}

function cutCandles(candles: CandleColumns, range: { from: number; to: number }): CandleColumns {
  const [first, last] = rangeIndexes(candles.time, range.from, range.to);
  if (first === 0 && last === candles.time.length) return candles;
  return {
    time: candles.time.slice(first, last),
    open: candles.open.slice(first, last),
    high: candles.high.slice(first, last),
    low: candles.low.slice(first, last),
    close: candles.close.slice(first, last),
  };
}

function cutLine(line: LineColumns, range: { from: number; to: number }): LineColumns {
  const [first, last] = rangeIndexes(line.time, range.from, range.to);
  if (first === 0 && last === line.time.length) return line;
  return { time: line.time.slice(first, last), value: line.value.slice(first, last) };
}

/** Every bar of one run and symbol, before any cut or downsampling (cached: a run never changes). */
type FullSeries = Omit<RunSeries, 'range' | 'bars'>;

const FULL_CACHE_SIZE = 8;
const fullCaches = new WeakMap<ServerContext, Map<string, Promise<FullSeries>>>();

/** The full series of a run and symbol, from a small per-router cache (runs are immutable: ids are content ids). */
function fullSeries(ctx: ServerContext, id: string, symbol: string | undefined): Promise<FullSeries> {
  const cache = fullCaches.get(ctx) ?? new Map<string, Promise<FullSeries>>();
  fullCaches.set(ctx, cache);
  const key = `${id}|${symbol ?? ''}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const loading = loadFullSeries(ctx, id, symbol);
  cache.set(key, loading);
  loading.catch(() => cache.delete(key));
  if (cache.size > FULL_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return loading;
}

async function loadFullSeries(ctx: ServerContext, id: string, symbol: string | undefined): Promise<FullSeries> {
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
  const column = (table: Record<string, Array<number | string | null>>, name: string) => table[name] ?? [];
  const decisionTs = column(decisions, 'ts');
  const decisionAction = column(decisions, 'action');
  const config = manifest.config as { window?: { since?: string; until?: string } };
  const since = config.window?.since ? Date.parse(config.window.since) : -Infinity;
  const until = config.window?.until ? Date.parse(config.window.until) : Infinity;
  let candleSource: RunSeries['candleSource'] = 'dataset';
  let candles: CandleColumns;
  try {
    candles = candlesFrom(await readInputBars(ctx.dataRoot, input, since, until), since, until);
  } catch {
    candleSource = 'decisions';
    candles = candlesFromDecisions(decisionTs, column(decisions, 'close'));
  }
  const markers: RunSeries['markers'] = [];
  for (let i = 0; i < decisionTs.length; i++) {
    const action = String(decisionAction[i] ?? 'hold');
    const side = BUY.has(action) ? 'buy' : SELL.has(action) ? 'sell' : undefined;
    if (side !== undefined) markers.push({ time: (decisionTs[i] as number) / 1000, side, label: action });
  }
  const barSeconds = timeframeMs(input.timeframe as Timeframe) / 1000;
  const all = { from: -Infinity, to: Infinity };
  const equityTs = column(equity, 'ts');
  return {
    symbol: chosen,
    symbols,
    candleSource,
    window: {
      since: Number.isFinite(since) ? since / 1000 : null,
      until: Number.isFinite(until) ? until / 1000 : null,
    },
    candles,
    markers,
    blocks: guardrailPeriods(
      { ts: decisionTs, action: decisionAction, guardrail: column(decisions, 'guardrail') },
      barSeconds,
    ),
    equity: lineFrom(equityTs, column(equity, 'equity'), all),
    drawdownPct: lineFrom(equityTs, column(equity, 'drawdown'), all, 100),
  };
}

/**
 * Price (stored candles of the run's input, cut to its window), trade markers, guardrail periods,
 * equity and drawdown of one run for the charts, cut to the requested range and downsampled on the
 * server (candles in min/max-preserving buckets, lines by min/max decimation) to `points` per series.
 * `symbol` defaults to the run's first symbol.
 * @example const series = await readRunSeries(ctx, 'run-0123456789abcdef', { points: 1500 });
 */
export async function readRunSeries(ctx: ServerContext, id: string, request: SeriesRequest = {}): Promise<RunSeries> {
  const full = await fullSeries(ctx, id, request.symbol);
  const range = { from: request.from ?? -Infinity, to: request.to ?? Infinity };
  const inRange = cutCandles(full.candles, range);
  const points = request.points ?? DEFAULT_POINTS;
  const candles = bucketCandles(inRange, points);
  const edge = (value: number, fallback: number | null) => (Number.isFinite(value) ? value : (fallback ?? 0));
  return {
    ...full,
    range: {
      from: inRange.time[0] ?? edge(range.from, full.window.since),
      to: inRange.time[inRange.time.length - 1] ?? edge(range.to, full.window.until),
    },
    bars: { inRange: inRange.time.length, shown: candles.time.length },
    candles,
    markers: full.markers.filter((m) => m.time >= range.from && m.time <= range.to),
    blocks: full.blocks.filter((p) => p.to >= range.from && p.from <= range.to),
    equity: minMaxLine(cutLine(full.equity, range), points),
    drawdownPct: minMaxLine(cutLine(full.drawdownPct, range), points),
  };
}
