import * as tf from '@tensorflow/tfjs';
import { glorotUniform, seededRandom } from './seeded-random.js';

/** A batch of windows in the model's layout, and the symbol index of each window. */
export interface ModelBatch {
  /** 'time-major' models: one [batch, features] tensor per time step, oldest first. */
  steps?: tf.Tensor2D[];
  /** 'batch-major' models: [batch, window, features]. */
  x?: tf.Tensor3D;
  /** int32 [batch]; used by models with a symbol embedding. */
  symbols?: tf.Tensor1D;
}

/** A named trainable weight; `name` is stable (checkpoints), the tf.Variable's own name is unique per process. */
export interface NamedWeight {
  name: string;
  variable: tf.Variable;
}

/**
 * What the training loop, checkpoints and inference need from a model: its weights, its input
 * layout, and logits of P(up) for a batch. Implemented by the LSTM and the transformer.
 */
export interface SequenceModel {
  kind: 'lstm' | 'transformer';
  layout: 'time-major' | 'batch-major';
  weights: NamedWeight[];
  /** Logits [batch] of "the next h-bar return is up". */
  logits(batch: ModelBatch, training: boolean): tf.Tensor1D;
  trainableVariables(): tf.Variable[];
  dispose(): void;
}

let variableCounter = 0;

/** How a weight starts: seeded Glorot uniform, zeros, ones, or given values. */
export type WeightInit = 'glorot' | 'zeros' | 'ones' | Float32Array;

/**
 * Creates a weight with a seeded initial value (tfjs has no global seed).
 * @example const kernel = createWeight('lstm/kernel', [16, 256], 'glorot', 42);
 */
export function createWeight(name: string, shape: number[], init: WeightInit, seed: number): NamedWeight {
  const size = shape.reduce((a, b) => a * b, 1);
  let values: Float32Array;
  if (init instanceof Float32Array) values = init;
  else if (init === 'zeros') values = new Float32Array(size);
  else if (init === 'ones') values = new Float32Array(size).fill(1);
  else {
    const fanOut = shape[shape.length - 1] ?? 1;
    values = glorotUniform([size / fanOut, fanOut], seededRandom(seed, name));
  }
  variableCounter += 1;
  return {
    name,
    variable: tf.variable(
      tf.tensor(values, shape, 'float32'),
      true,
      `buff_${variableCounter}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`,
    ),
  };
}

/** Looks a weight up by its stable name. */
export function weightNamed(weights: NamedWeight[], name: string): tf.Variable {
  const found = weights.find((w) => w.name === name);
  if (found === undefined) throw new Error(`model has no weight named ${name}`);
  return found.variable;
}
