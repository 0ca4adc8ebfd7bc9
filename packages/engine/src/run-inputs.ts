import {
  BuffError,
  TIMEFRAMES,
  countGaps,
  firstIndexAtOrAfter,
  isBuffError,
  sliceBars,
  timeframeMs,
  type Bars,
  type DatasetTable,
  type RunInput,
  type Timeframe,
} from '@buff/core';
import {
  findTableByContentId,
  readBarsVerifiedLater,
  readDatasetManifest,
  storedContentId,
  synthesizeBars,
  writeDataset,
  type BarsWindow,
} from '@buff/ingest';
import type { RunConfig } from './run-config.js';
import { resampleStored } from './resampled-input.js';

const DAY_MS = 86_400_000;

/** The bars of every symbol, cut to the run window, and what they came from. */
export interface LoadedInputs {
  bars: Bars[];
  inputs: RunInput[];
  /**
   * Settles when every stored table read has been hashed against its content id (on the thread
   * pool, while the caller simulates); rejects with CORRUPT_ARTIFACT. Await it before writing anything.
   */
  verified: Promise<void>;
  /**
   * Per symbol, the windowed ts as the stored Int64 values (a view) when the bars are a stored table
   * read as is (not resampled): artifacts with these timestamps reuse them instead of converting back.
   */
  tsInt64: Array<BigInt64Array | undefined>;
}

/**
 * Loads each symbol's bars for a run: from the dataset store by symbol + timeframe (resampled batch
 * by batch from the finest stored table when the timeframe is not stored), from a table pinned by
 * content id, or synthesized into the store first when `data.provider` is `synthetic`. Bars are
 * cut to [since, until): a stored table of the run's timeframe is read only in the record batches
 * of that window. Errors name the config key at fault.
 * @example const { bars, inputs } = await loadRunInputs(config, 'data');
 */
export async function loadRunInputs(config: RunConfig, dataRoot: string): Promise<LoadedInputs> {
  const bars: Bars[] = [];
  const tsInt64: Array<BigInt64Array | undefined> = [];
  const inputs: RunInput[] = [];
  const checks: Array<Promise<void>> = [];
  const since = Date.parse(config.window.since);
  const until = Date.parse(config.window.until);
  for (const [index, symbol] of config.symbols.entries()) {
    if (config.data.provider === 'synthetic') await synthesizeInto(config, dataRoot, symbol, index);
    const pinned = config.data.datasets?.[symbol];
    const window = { from: since, to: until };
    const loaded = pinned
      ? await loadPinned(dataRoot, symbol, pinned, config.timeframe, window)
      : await loadStored(dataRoot, symbol, index, config.timeframe, window);
    checks.push(loaded.verified);
    const from = firstIndexAtOrAfter(loaded.bars.ts, since);
    const to = firstIndexAtOrAfter(loaded.bars.ts, until);
    const windowed = sliceBars(loaded.bars, from, to);
    if (windowed.ts.length === 0) {
      throw new BuffError(
        'INVALID_CONFIG',
        `no ${config.timeframe} bars of ${symbol} in the window [${config.window.since}, ${config.window.until})`,
        {
          details: { key: 'window', value: symbol, rule: 'EMPTY_WINDOW' },
        },
      );
    }
    const source = config.data.provider === 'synthetic' ? `synthetic ${loaded.source}` : loaded.source;
    bars.push(windowed);
    tsInt64.push(loaded.tsInt64?.subarray(from, to));
    const input = describeInput(symbol, config.timeframe, loaded.contentId, windowed, source);
    assertCovered(config, input, index);
    inputs.push(input);
  }
  const verified = Promise.all(checks).then(() => undefined);
  verified.catch(() => undefined); // awaited by the caller; a failure before that is not unhandled
  return { bars, inputs, verified, tsInt64 };
}

interface LoadedSymbol {
  bars: Bars;
  contentId: string;
  source: string;
  verified: Promise<void>;
  tsInt64?: BigInt64Array | undefined;
}

async function loadStored(
  dataRoot: string,
  symbol: string,
  index: number,
  timeframe: Timeframe,
  window: BarsWindow,
): Promise<LoadedSymbol> {
  let tables: Record<string, DatasetTable>;
  try {
    tables = (await readDatasetManifest(dataRoot, symbol)).tables;
  } catch (err) {
    if (!isBuffError(err, 'DATASET_NOT_FOUND')) throw err;
    throw new BuffError('DATASET_NOT_FOUND', `unknown symbol ${symbol}: no dataset for it under ${dataRoot}`, {
      cause: err,
      details: { key: `symbols.${index}`, value: symbol, rule: 'DATASET_NOT_FOUND' },
    });
  }
  if (tables[timeframe]) {
    // Only the record batches of the window are read (the whole file is hashed meanwhile).
    const { bars, table, verified, tsInt64 } = await readBarsVerifiedLater(dataRoot, symbol, timeframe, window);
    return { bars, contentId: table.contentId, source: `store ${symbol}/${table.file}`, verified, tsInt64 };
  }
  const finest = TIMEFRAMES.find((tf) => tables[tf] !== undefined);
  if (!finest || timeframeMs(finest) > timeframeMs(timeframe)) {
    throw new BuffError(
      'INVALID_CONFIG',
      `timeframe ${timeframe} is finer than the stored data of ${symbol} (finest: ${finest ?? 'none'})`,
      {
        details: { key: 'timeframe', value: timeframe, rule: 'TIMEFRAME_TOO_FINE' },
      },
    );
  }
  const { read: _read, ...loaded } = await resampledInput(dataRoot, symbol, finest, timeframe, window, '');
  return loaded;
}

async function loadPinned(
  dataRoot: string,
  symbol: string,
  contentId: string,
  timeframe: Timeframe,
  window: BarsWindow,
): Promise<LoadedSymbol> {
  const key = `data.datasets.${symbol}`;
  const found = await findTableByContentId(dataRoot, contentId);
  if (!found) {
    throw new BuffError('DATASET_NOT_FOUND', `no stored table has content id ${contentId} (pinned for ${symbol})`, {
      details: { key, value: contentId, rule: 'DATASET_NOT_FOUND' },
    });
  }
  if (found.symbol !== symbol) {
    throw new BuffError('INVALID_CONFIG', `content id ${contentId} is a table of ${found.symbol}, not ${symbol}`, {
      details: { key, value: contentId },
    });
  }
  const stored = found.table.timeframe;
  if (timeframeMs(stored) > timeframeMs(timeframe)) {
    throw new BuffError(
      'INVALID_CONFIG',
      `timeframe ${timeframe} is finer than the pinned ${stored} table of ${symbol}`,
      {
        details: { key: 'timeframe', value: timeframe, rule: 'TIMEFRAME_TOO_FINE' },
      },
    );
  }
  const changed = (): BuffError =>
    new BuffError('CONFLICT', `the ${stored} table of ${symbol} changed while it was read`, {
      details: { key, value: contentId },
    });
  if (stored !== timeframe) {
    const { read, ...loaded } = await resampledInput(dataRoot, symbol, stored, timeframe, window, ' (pinned)');
    if (read !== contentId) throw changed();
    return loaded;
  }
  const { bars, table, verified, tsInt64 } = await readBarsVerifiedLater(dataRoot, symbol, stored, window);
  if (table.contentId !== contentId) throw changed();
  return { bars, contentId, source: `store ${symbol}/${table.file} (pinned)`, verified, tsInt64 };
}

/**
 * A stored table resampled batch by batch (resampleStored); the derived content id is the one the
 * store would give it; `read`: the content id of the stored table read.
 */
async function resampledInput(
  dataRoot: string,
  symbol: string,
  from: Timeframe,
  to: Timeframe,
  window: BarsWindow,
  note: string,
): Promise<LoadedSymbol & { read: string }> {
  const { bars, contentId, table, verified } = await resampleStored(dataRoot, symbol, from, to, window);
  const source = `store ${symbol}/${table.file}${note} ${table.contentId} resampled ${from}->${to}`;
  return { bars, contentId, source, verified, read: table.contentId };
}

/** Synthesizes the symbol's 1m bars into the store, unless identical ones are there; never overwrites real data. */
async function synthesizeInto(config: RunConfig, dataRoot: string, symbol: string, index: number): Promise<void> {
  const options = config.data.synthetic ?? { seed: 7, signal: 0 };
  const start = options.start ?? config.window.since;
  const days = options.days ?? Math.ceil((Date.parse(config.window.until) - Date.parse(start)) / DAY_MS);
  const params = { seed: options.seed, signal: options.signal, days, start };
  const bars = synthesizeBars({ ...params, symbol });
  const contentId = storedContentId(bars);
  const existing = await readDatasetManifest(dataRoot, symbol).catch((err: unknown) => {
    if (isBuffError(err, 'DATASET_NOT_FOUND')) return undefined;
    throw err;
  });
  if (existing && existing.source.kind !== 'synthetic') {
    throw new BuffError(
      'CONFLICT',
      `${symbol} in ${dataRoot} holds ${existing.source.kind} data; a synthetic run will not overwrite it`,
      {
        details: { key: `symbols.${index}`, value: symbol, rule: 'REAL_DATA' },
      },
    );
  }
  if (existing?.tables['1m']?.contentId === contentId) return;
  await writeDataset(dataRoot, { symbol, timeframe: '1m', bars, source: { kind: 'synthetic', params } });
}

function describeInput(symbol: string, timeframe: Timeframe, contentId: string, bars: Bars, source: string): RunInput {
  const rows = bars.ts.length;
  const step = timeframeMs(timeframe);
  const gapCount = countGaps(bars.ts, step);
  const first = bars.ts[0] as number;
  const last = bars.ts[rows - 1] as number;
  return {
    symbol,
    timeframe,
    contentId,
    rows,
    first: new Date(first).toISOString(),
    last: new Date(last).toISOString(),
    gapCount,
    source,
    covered: { since: new Date(first).toISOString(), until: new Date(last + step).toISOString() },
  };
}

/**
 * Refuses a window the bars do not cover (a bar's worth or more missing at its start or end),
 * unless the config allows partial coverage: a run never reports the full window for part of it.
 */
function assertCovered(config: RunConfig, input: RunInput, index: number): void {
  if (config.window.allowPartial === true || input.covered === undefined) return;
  const step = timeframeMs(config.timeframe);
  const head = Date.parse(input.covered.since) - Date.parse(config.window.since);
  const tail = Date.parse(config.window.until) - Date.parse(input.covered.until);
  if (head < step && tail < step) return;
  throw new BuffError(
    'INSUFFICIENT_DATA',
    `the ${config.timeframe} bars of ${input.symbol} cover [${input.covered.since}, ${input.covered.until}) of the window [${config.window.since}, ${config.window.until}); shorten the window or set window.allowPartial: true`,
    {
      details: {
        key: 'window',
        value: input.symbol,
        rule: 'PARTIAL_WINDOW',
        symbol: input.symbol,
        index,
        window: { since: config.window.since, until: config.window.until },
        covered: input.covered,
      },
    },
  );
}
