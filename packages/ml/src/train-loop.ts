import * as tf from '@tensorflow/tfjs';
import type { SequenceModel } from './models/sequence-model.js';
import { seededRandom, shuffledIndices } from './models/seeded-random.js';
import { windowBatch, type FeatureMatrix, type SampleSet } from './windows.js';

/** Per-epoch figures (the shape ml-features' training-curve writer draws). */
export interface EpochFigures {
  epoch: number;
  loss: number;
  valLoss: number;
  valAccuracy: number;
}

export interface TrainLoopOptions {
  matrices: readonly FeatureMatrix[];
  train: SampleSet;
  val: SampleSet;
  window: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without a validation-loss improvement before stopping. */
  patience: number;
  seed: number;
  onEpoch?: (figures: EpochFigures) => void;
}

export interface TrainLoopResult {
  history: EpochFigures[];
  epochsRun: number;
  bestEpoch: number;
  bestValLoss: number;
  stoppedEarly: boolean;
}

/**
 * Trains with Adam on sigmoid cross-entropy, shuffling with a seeded PRNG, and stops early when
 * the validation loss has not improved for `patience` epochs; the best epoch's weights are
 * restored at the end.
 * @example const result = trainLoop(model, { matrices, train, val, window: 32, epochs: 10, batchSize: 256, learningRate: 1e-3, patience: 3, seed: 1 });
 */
export function trainLoop(model: SequenceModel, options: TrainLoopOptions): TrainLoopResult {
  const optimizer = tf.train.adam(options.learningRate);
  const variables = model.trainableVariables();
  const history: EpochFigures[] = [];
  let best = { epoch: 0, loss: Number.POSITIVE_INFINITY, weights: snapshot(variables) };
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const order = shuffledIndices(options.train.end.length, seededRandom(options.seed, `epoch-${epoch}`));
      let lossSum = 0;
      for (let from = 0; from < order.length; from += options.batchSize) {
        const to = Math.min(order.length, from + options.batchSize);
        const loss = tf.tidy(() => {
          const batch = windowBatch(options.matrices, options.train, order, from, to, options.window, model.layout);
          const cost = optimizer.minimize(
            () => tf.losses.sigmoidCrossEntropy(batch.labels, model.logits(batch, true)) as tf.Scalar,
            true,
            variables,
          );
          return (cost as tf.Scalar).dataSync()[0] as number;
        });
        lossSum += loss * (to - from);
      }
      const val = lossAndAccuracy(model, options, options.val);
      const figures: EpochFigures = {
        epoch,
        loss: lossSum / order.length,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
      };
      history.push(figures);
      options.onEpoch?.(figures);
      if (val.loss < best.loss) best = { epoch, loss: val.loss, weights: snapshot(variables) };
      else if (epoch - best.epoch >= options.patience) {
        stoppedEarly = epoch < options.epochs;
        break;
      }
    }
    restore(variables, best.weights);
  } finally {
    optimizer.dispose();
  }
  return { history, epochsRun: history.length, bestEpoch: best.epoch, bestValLoss: best.loss, stoppedEarly };
}

/**
 * Logits of every sample, in sample order.
 * @example const logits = predictLogits(model, matrices, test, 32);
 */
export function predictLogits(
  model: SequenceModel,
  matrices: readonly FeatureMatrix[],
  samples: SampleSet,
  window: number,
  batchSize = 512,
): Float32Array {
  const n = samples.end.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const out = new Float32Array(n);
  for (let from = 0; from < n; from += batchSize) {
    const to = Math.min(n, from + batchSize);
    const logits = tf.tidy(() =>
      model.logits(windowBatch(matrices, samples, order, from, to, window, model.layout), false),
    );
    out.set(logits.dataSync(), from);
    logits.dispose();
  }
  return out;
}

function lossAndAccuracy(
  model: SequenceModel,
  options: TrainLoopOptions,
  samples: SampleSet,
): { loss: number; accuracy: number } {
  const logits = predictLogits(model, options.matrices, samples, options.window, options.batchSize);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i] as number;
    const y = samples.labels[i] as number;
    loss += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    if ((z > 0 ? 1 : 0) === y) correct++;
  }
  return { loss: loss / logits.length, accuracy: correct / logits.length };
}

function snapshot(variables: tf.Variable[]): Float32Array[] {
  return variables.map((v) => v.dataSync() as Float32Array).map((a) => a.slice());
}

function restore(variables: tf.Variable[], values: Float32Array[]): void {
  variables.forEach((v, i) => v.assign(tf.tensor(values[i] as Float32Array, v.shape)));
}
