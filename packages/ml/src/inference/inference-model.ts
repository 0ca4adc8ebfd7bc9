import { BuffError, readModelCard, type Bars, type ModelCard } from '@buff/core';
import { computeFeatures, featureWarmup, parseFeatureOptions } from '../features/compute-features.js';
import { readCheckpointArrays } from './checkpoint-arrays.js';
import { lstmLogit, type LstmArrays } from './lstm-forward.js';
import type { WindowScorer } from './window-scorer.js';

/** A trained model ready to score windows of bars; nothing of the training code is loaded. */
export interface InferenceModel {
  readonly card: ModelCard;
  readonly modelId: string;
  readonly name: string;
  /** Rows of features the model reads per prediction. */
  readonly window: number;
  /** Bars of history the features need before their first valid row. */
  readonly featureWarmup: number;
  /** Fewest bars `probability` accepts: featureWarmup + window. */
  readonly minBars: number;
  /** What computes the logits: 'js' (float64, no TensorFlow.js) or a TensorFlow.js backend. */
  readonly engine: string;
  /**
   * Calibrated P(next h-bar return is up) at the last bar of `bars` (bars in time order, the
   * last one the current bar). Features are computed on these bars only (causal).
   */
  probability(bars: Bars, symbol: string): number;
  /** Calibrated P(up) of one standardized window (row-major [window, features]). */
  probabilityOfWindow(rows: Float32Array, symbol: string): number;
  dispose(): void;
}

/**
 * Loads a model folder (model-card.json, model.json, weights.bin) for inference. LSTM models run
 * in plain JavaScript (float64); transformers through TensorFlow.js (loaded only for them).
 * @example
 * const model = await loadInferenceModel('models/lstm-btc/v3');
 * const p = model.probability(lastBars, 'BTC-USD'); // 0.57
 */
export async function loadInferenceModel(dir: string): Promise<InferenceModel> {
  const card = readModelCard(dir);
  let scorer: WindowScorer;
  let engine = 'js';
  let dispose = (): void => undefined;
  if (card.kind === 'lstm') {
    const lstm = lstmArrays(dir);
    scorer = (rows) => lstmLogit(lstm, rows, card.window);
  } else {
    const { loadTfjsScorer } = await import('./tfjs-scorer.js');
    const loaded = await loadTfjsScorer(dir, card);
    scorer = loaded.scorer;
    engine = loaded.backend;
    dispose = loaded.dispose;
  }
  return createInferenceModel(card, scorer, engine, dispose);
}

/**
 * An InferenceModel around any window scorer (the card gives features, standardizer and temperature).
 * @example const model = createInferenceModel(card, (rows) => 0, 'js');
 */
export function createInferenceModel(
  card: ModelCard,
  scorer: WindowScorer,
  engine: string,
  dispose: () => void = () => undefined,
): InferenceModel {
  const options = parseFeatureOptions(card.features.options);
  const warmup = featureWarmup(options);
  const names = card.features.names;
  const { mean, std } = card.features.standardizer;
  const temperature = card.calibration.temperature;
  const symbolIndex = (symbol: string): number => {
    const at = card.symbols.indexOf(symbol);
    if (at >= 0) return at;
    if (card.kind === 'lstm') return 0;
    throw new BuffError('INVALID_INPUT', `model ${card.name} (${card.modelId}) was not trained on ${symbol}`, {
      details: { key: 'symbol', value: symbol, rule: 'MODEL_SYMBOL' },
    });
  };
  const probabilityOfWindow = (rows: Float32Array, symbol: string): number =>
    1 / (1 + Math.exp(-scorer(rows, symbolIndex(symbol)) / temperature));
  return {
    card,
    modelId: card.modelId,
    name: card.name,
    window: card.window,
    featureWarmup: warmup,
    minBars: warmup + card.window,
    engine,
    probabilityOfWindow,
    probability(bars, symbol) {
      const n = bars.ts.length;
      if (n < warmup + card.window) {
        throw new BuffError('INSUFFICIENT_DATA', `model ${card.name} needs ${warmup + card.window} bars, got ${n}`, {
          details: { rule: 'INSUFFICIENT_DATA', required: warmup + card.window },
        });
      }
      const table = computeFeatures(bars, card.features.options);
      const rows = new Float32Array(card.window * names.length);
      names.forEach((name, f) => {
        const column = table.columns[table.names.indexOf(name)];
        if (column === undefined) {
          throw new BuffError('CORRUPT_ARTIFACT', `model ${card.name}: feature ${name} is not computed`, {
            details: { key: 'features.names', value: name, rule: 'MODEL_CARD' },
          });
        }
        const m = mean[f] as number;
        const s = std[f] as number;
        for (let r = 0; r < card.window; r++) {
          const v = column[n - card.window + r] as number;
          rows[r * names.length + f] = Number.isFinite(v) ? (v - m) / s : 0;
        }
      });
      return probabilityOfWindow(rows, symbol);
    },
    dispose,
  };
}

function lstmArrays(dir: string): LstmArrays {
  const { weights, config } = readCheckpointArrays(dir);
  const get = (name: string): Float32Array => {
    const w = weights.get(name);
    if (w === undefined) {
      throw new BuffError('CORRUPT_ARTIFACT', `checkpoint in ${dir} has no weight ${name}`, {
        details: { file: `${dir}/weights.bin`, key: name, rule: 'CHECKPOINT' },
      });
    }
    return w.values;
  };
  const units = Number(config.units);
  const features = Number(config.features);
  return {
    features,
    units,
    kernel: get('lstm/kernel'),
    recurrentKernel: get('lstm/recurrent_kernel'),
    bias: get('lstm/bias'),
    headKernel: get('head/kernel'),
    headBias: get('head/bias'),
  };
}
