import { BuffError } from '@buff/core';

/** The LSTM's weights as plain arrays, in tfjs-layers' layout (gates [i, f, g, o] along the last axis). */
export interface LstmArrays {
  features: number;
  units: number;
  /** [features, 4 * units] row-major */
  kernel: Float32Array;
  /** [units, 4 * units] row-major */
  recurrentKernel: Float32Array;
  /** [4 * units] */
  bias: Float32Array;
  /** [units, 1] */
  headKernel: Float32Array;
  /** [1] */
  headBias: Float32Array;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * The logit of one window (row-major [window, features]) through the LSTM and its dense head,
 * in float64 plain JavaScript: the same cell as the training kernel (`lstmSequence`), with no
 * TensorFlow.js backend involved, so a prediction is the same number on every machine and every
 * backend, and one small window costs microseconds instead of a tensor round trip.
 * @example const logit = lstmLogit(weights, windowRows, 16);
 */
export function lstmLogit(w: LstmArrays, rows: Float32Array, window: number): number {
  const { features, units } = w;
  if (rows.length !== window * features) {
    throw new BuffError('INVALID_INPUT', `an LSTM window needs ${window * features} values, got ${rows.length}`, {
      details: { rule: 'WINDOW_SHAPE' },
    });
  }
  const gates = 4 * units;
  const h = new Float64Array(units);
  const c = new Float64Array(units);
  const z = new Float64Array(gates);
  for (let s = 0; s < window; s++) {
    for (let j = 0; j < gates; j++) z[j] = w.bias[j] as number;
    for (let f = 0; f < features; f++) {
      const x = rows[s * features + f] as number;
      if (x === 0) continue;
      const base = f * gates;
      for (let j = 0; j < gates; j++) z[j] = (z[j] as number) + x * (w.kernel[base + j] as number);
    }
    for (let u = 0; u < units; u++) {
      const hu = h[u] as number;
      if (hu === 0) continue;
      const base = u * gates;
      for (let j = 0; j < gates; j++) z[j] = (z[j] as number) + hu * (w.recurrentKernel[base + j] as number);
    }
    for (let u = 0; u < units; u++) {
      const i = sigmoid(z[u] as number);
      const fg = sigmoid(z[units + u] as number);
      const g = Math.tanh(z[2 * units + u] as number);
      const o = sigmoid(z[3 * units + u] as number);
      const cu = fg * (c[u] as number) + i * g;
      c[u] = cu;
      h[u] = o * Math.tanh(cu);
    }
  }
  let logit = w.headBias[0] as number;
  for (let u = 0; u < units; u++) logit += (h[u] as number) * (w.headKernel[u] as number);
  return logit;
}
