import { BuffError } from '@buff/core';

/** One equal-width confidence bin of a reliability diagram. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence (probability of the predicted class) in the bin; NaN when empty. */
  confidence: number;
  /** Fraction of correct predictions in the bin; NaN when empty. */
  accuracy: number;
}

/** Checks that probabilities and labels pair up; returns their length. */
export function checkPairs(probUp: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (probUp.length !== labels.length) {
    throw new BuffError('INVALID_INPUT', `evaluation: ${probUp.length} probabilities but ${labels.length} labels`, {
      details: { rule: 'LENGTH_MISMATCH' },
    });
  }
  if (probUp.length === 0)
    throw new BuffError('INSUFFICIENT_DATA', 'evaluation: no samples', { details: { rule: 'INSUFFICIENT_DATA' } });
  for (let i = 0; i < probUp.length; i++) {
    const p = probUp[i] as number;
    if (!(p >= 0 && p <= 1))
      throw new BuffError('INVALID_INPUT', `evaluation: probability ${p} at ${i} is outside [0, 1]`, {
        details: { value: String(p), key: String(i) },
      });
  }
  return probUp.length;
}

/**
 * Reliability bins of the top-label confidence max(p, 1 - p), `bins` equal-width bins over [0, 1]
 * (the last bin includes 1). The prediction is up when p >= 0.5.
 * @example reliabilityBins(Float32Array.of(0.9, 0.2), Uint8Array.of(1, 1), 15)
 */
export function reliabilityBins(probUp: ArrayLike<number>, labels: ArrayLike<number>, bins = 15): ReliabilityBin[] {
  const n = checkPairs(probUp, labels);
  const count = new Float64Array(bins);
  const confSum = new Float64Array(bins);
  const correctSum = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const p = probUp[i] as number;
    const predicted = p >= 0.5 ? 1 : 0;
    const confidence = predicted === 1 ? p : 1 - p;
    const b = Math.min(Math.floor(confidence * bins), bins - 1);
    count[b] = (count[b] as number) + 1;
    confSum[b] = (confSum[b] as number) + confidence;
    if (predicted === (labels[i] as number)) correctSum[b] = (correctSum[b] as number) + 1;
  }
  return Array.from({ length: bins }, (_, b) => {
    const c = count[b] as number;
    return {
      lower: b / bins,
      upper: (b + 1) / bins,
      count: c,
      confidence: c > 0 ? (confSum[b] as number) / c : Number.NaN,
      accuracy: c > 0 ? (correctSum[b] as number) / c : Number.NaN,
    };
  });
}

/**
 * Expected calibration error (Guo et al. 2017): the sample-weighted mean of
 * |accuracy - confidence| over `bins` equal-width bins of the top-label confidence.
 * @example expectedCalibrationError(Float32Array.of(0.8, 0.8), Uint8Array.of(1, 0)) // 0.3
 */
export function expectedCalibrationError(probUp: ArrayLike<number>, labels: ArrayLike<number>, bins = 15): number {
  const table = reliabilityBins(probUp, labels, bins);
  let ece = 0;
  for (const bin of table)
    if (bin.count > 0) ece += (bin.count / probUp.length) * Math.abs(bin.accuracy - bin.confidence);
  return ece;
}
