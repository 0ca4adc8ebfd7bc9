import { BuffError } from '@buff/core';

const LOG_T_MIN = Math.log(0.01);
const LOG_T_MAX = Math.log(100);
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** Numerically stable ln(1 + e^x). */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Mean binary negative log-likelihood of labels under p = sigmoid(logit / T).
 * @example binaryNll(Float32Array.of(2, -1), Uint8Array.of(1, 0), 1)
 */
export function binaryNll(logits: ArrayLike<number>, labels: ArrayLike<number>, temperature = 1): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = (logits[i] as number) / temperature;
    sum += (labels[i] as number) === 1 ? softplus(-z) : softplus(z);
  }
  return sum / logits.length;
}

/**
 * Fits the temperature T that minimizes the validation NLL of sigmoid(logit / T) (temperature
 * scaling, Guo et al. 2017). NLL is convex in 1/T, hence unimodal in log T: golden-section search
 * over log T in [ln 0.01, ln 100] to 1e-10. T > 1 softens an overconfident model.
 * @example const T = fitTemperature(valLogits, valLabels); const calibrated = applyTemperature(testLogits, T);
 */
export function fitTemperature(logits: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (logits.length !== labels.length || logits.length === 0) {
    throw new BuffError('INVALID_INPUT', `temperature: ${logits.length} logits for ${labels.length} labels`, {
      details: { rule: 'LENGTH_MISMATCH' },
    });
  }
  const f = (logT: number): number => binaryNll(logits, labels, Math.exp(logT));
  let a = LOG_T_MIN;
  let b = LOG_T_MAX;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > 1e-10) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/**
 * Scales logits by 1 / T (returns logits, not probabilities; see `sigmoidProbabilities`).
 * @example sigmoidProbabilities(applyTemperature(logits, 1.7))
 */
export function applyTemperature(logits: ArrayLike<number>, temperature: number): Float32Array {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new BuffError('INVALID_INPUT', `temperature must be a finite number > 0, got ${temperature}`, {
      details: { key: 'temperature', value: String(temperature) },
    });
  }
  return Float32Array.from(logits, (z) => z / temperature);
}

/**
 * Probability of up from logits: 1 / (1 + e^-z).
 * @example sigmoidProbabilities([0]) // Float32Array [0.5]
 */
export function sigmoidProbabilities(logits: ArrayLike<number>): Float32Array {
  return Float32Array.from(logits, (z) => 1 / (1 + Math.exp(-z)));
}
