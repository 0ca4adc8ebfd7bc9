import { BuffError, canonicalJson, type Timeframe } from '@buff/core';
import { readBars, readDatasetManifest } from '@buff/ingest';
import { parseFeatureOptions, type FeatureOptionsInput, type FeatureTable } from './features/compute-features.js';
import { buildFeatureTable, loadFeatureTable } from './feature-store.js';
import { makeLabels } from './labels.js';
import { baselineProbabilities, lastBarUp, sampleLastUp, type BaselineProbabilities } from './evaluation/baselines.js';
import { chronologicalSplit, type ChronologicalSplit } from './split.js';
import { mergeSamples, toFeatureMatrix, windowEnds, type FeatureMatrix, type SampleSet } from './windows.js';

/** One symbol's inputs, with the content ids the model card records. */
export interface SymbolData {
  symbol: string;
  contentId: string;
  source1mContentId: string;
  featuresContentId: string;
  table: FeatureTable;
  labels: Uint8Array;
  valid: Uint8Array;
  /** 1 where the bar closed above the one before (what the persistence baseline calls). */
  lastUp: Uint8Array;
  split: ChronologicalSplit;
}

export interface DataSpec {
  dataRoot: string;
  symbols: string[];
  timeframe: Timeframe;
  featureOptions: FeatureOptionsInput;
  /** Feature columns to use (all when undefined). */
  featureNames?: string[] | undefined;
  window: number;
  horizon: number;
  deadZone: number;
  trainFrac: number;
  valFrac: number;
  /** When scoring a trained model: the content ids it was trained on (a mismatch is refused). */
  expected?: Array<{ contentId: string; featuresContentId: string }>;
}

/**
 * Reads bars and features of each symbol (computing and storing the feature table when it is
 * missing or was computed with other options), selects feature columns, labels the next
 * `horizon`-bar direction and splits chronologically with a gap of max(window, horizon).
 * @example const data = await loadTrainingData({ dataRoot: 'data', symbols: ['BTC-USD'], ... });
 */
export async function loadTrainingData(spec: DataSpec): Promise<SymbolData[]> {
  const wantedOptions = canonicalJson(parseFeatureOptions(spec.featureOptions));
  const out: SymbolData[] = [];
  for (const [i, symbol] of spec.symbols.entries()) {
    const { bars, table } = await readBars(spec.dataRoot, symbol, spec.timeframe);
    const manifest = await readDatasetManifest(spec.dataRoot, symbol);
    const source1m = manifest.tables['1m']?.contentId ?? table.contentId;
    let stored = await loadFeatureTable(spec.dataRoot, symbol, spec.timeframe).catch(() => undefined);
    if (stored === undefined || canonicalJson(stored.entry.options) !== wantedOptions) {
      if (spec.expected !== undefined) {
        throw new BuffError(
          'INVALID_INPUT',
          `no feature table for ${symbol}/${spec.timeframe} computed from the model's dataset with its feature options; run buff features`,
          {
            details: { key: 'features', rule: 'DATASET_MISMATCH', value: symbol },
          },
        );
      }
      await buildFeatureTable(spec.dataRoot, symbol, spec.timeframe, spec.featureOptions);
      stored = await loadFeatureTable(spec.dataRoot, symbol, spec.timeframe);
    }
    const expected = spec.expected?.[i];
    if (
      expected !== undefined &&
      (expected.contentId !== table.contentId || expected.featuresContentId !== stored.entry.contentId)
    ) {
      throw new BuffError(
        'INVALID_INPUT',
        `${symbol}/${spec.timeframe}: the model was trained on dataset ${expected.contentId.slice(0, 12)} with features ${expected.featuresContentId.slice(0, 12)}, found ${table.contentId.slice(0, 12)} / ${stored.entry.contentId.slice(0, 12)}`,
        {
          details: { key: 'datasets', rule: 'DATASET_MISMATCH', value: table.contentId, expected: expected.contentId },
        },
      );
    }
    const features = selectFeatures(stored.table, spec.featureNames);
    const { labels, valid } = makeLabels(bars, { horizon: spec.horizon, deadZone: spec.deadZone });
    const split = chronologicalSplit(bars.ts.length, {
      window: spec.window,
      gap: Math.max(spec.window, spec.horizon),
      trainFrac: spec.trainFrac,
      valFrac: spec.valFrac,
      offset: features.warmup,
    });
    out.push({
      symbol,
      contentId: table.contentId,
      source1mContentId: source1m,
      featuresContentId: stored.entry.contentId,
      table: features,
      labels,
      valid,
      lastUp: lastBarUp(bars.close),
      split,
    });
  }
  return out;
}

function selectFeatures(table: FeatureTable, names: string[] | undefined): FeatureTable {
  if (names === undefined) return table;
  const columns = names.map((name) => {
    const at = table.names.indexOf(name);
    if (at < 0) {
      throw new BuffError('INVALID_CONFIG', `unknown feature ${name}; the table has ${table.names.join(', ')}`, {
        details: { key: 'features', value: name },
      });
    }
    return table.columns[at] as Float32Array;
  });
  return { names: [...names], columns, ts: table.ts, warmup: table.warmup };
}

/**
 * Mean and standard deviation per feature over the TRAIN rows of every symbol together.
 * @example const { mean, std } = fitPooledStandardizer(data);
 */
export function fitPooledStandardizer(data: SymbolData[]): { mean: number[]; std: number[] } {
  const features = data[0]?.table.columns.length ?? 0;
  const mean: number[] = [];
  const std: number[] = [];
  for (let f = 0; f < features; f++) {
    let count = 0;
    let sum = 0;
    let squares = 0;
    for (const d of data) {
      const column = d.table.columns[f] as Float32Array;
      for (let t = d.split.train[0]; t < d.split.train[1]; t++) {
        const v = column[t] as number;
        if (Number.isFinite(v)) {
          count++;
          sum += v;
          squares += v * v;
        }
      }
    }
    const m = count > 0 ? sum / count : 0;
    const s = count > 1 ? Math.sqrt(Math.max(0, squares / count - m * m)) : 0;
    mean.push(m);
    std.push(s > 1e-12 ? s : 1);
  }
  return { mean, std };
}

/** Standardized row-major matrices, one per symbol (non-finite values become 0). */
export function standardizedMatrices(
  data: SymbolData[],
  standardizer: { mean: number[]; std: number[] },
): FeatureMatrix[] {
  return data.map((d) => {
    const columns = d.table.columns.map((column, f) => {
      const m = standardizer.mean[f] as number;
      const s = standardizer.std[f] as number;
      return column.map((v) => (Number.isFinite(v) ? (v - m) / s : 0));
    });
    return toFeatureMatrix(columns);
  });
}

/** The samples of one split over all symbols. */
export function splitSamples(data: SymbolData[], which: 'train' | 'val' | 'test', window: number): SampleSet {
  return mergeSamples(
    data.map((d, source) => ({
      source,
      ends: windowEnds(d.split[which], window, d.table.warmup, d.valid),
      labels: d.labels,
    })),
  );
}

/**
 * The naive baselines' up-probabilities on the test samples, fitted on the training samples.
 * @example const baselines = naiveBaselines(data, train, test);
 */
export function naiveBaselines(data: SymbolData[], train: SampleSet, test: SampleSet): BaselineProbabilities {
  const lastUp = data.map((d) => d.lastUp);
  return baselineProbabilities(
    { labels: train.labels, lastUp: sampleLastUp(lastUp, train) },
    { labels: test.labels, lastUp: sampleLastUp(lastUp, test) },
  );
}
