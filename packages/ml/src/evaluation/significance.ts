import { BuffError } from '@buff/core';

/** Two-sided standard normal quantiles of the confidence levels the Wilson bound accepts. */
export const WILSON_Z = { 0.9: 1.6448536269514722, 0.95: 1.959963984540054, 0.99: 2.5758293035489004 } as const;
export type WilsonConfidence = keyof typeof WILSON_Z;

/** Outcome of McNemar's exact test on paired right/wrong outcomes of a model and a baseline. */
export interface McNemarResult {
  /** Samples the model got right and the baseline wrong. */
  modelOnly: number;
  /** Samples the baseline got right and the model wrong. */
  baselineOnly: number;
  /** Two-sided exact p-value: 2 * P(X <= min(b, c)) for X ~ Binomial(b + c, 1/2), at most 1. */
  pValue: number;
}

/**
 * P(X <= k) for X ~ Binomial(n, 1/2), summed in log space term by term (exact up to rounding; no
 * underflow for n in the millions, where 2^-n is far below the smallest double).
 * @example binomialHalfCdf(1, 10) // 11 / 1024
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0) {
    throw new BuffError('INVALID_INPUT', `binomial cdf: k=${k}, n=${n} must be integers with n >= 0`, {
      details: { key: 'n', value: String(n) },
    });
  }
  if (k < 0) return 0;
  if (k >= n) return 1;
  // log C(n, i) - n ln 2, built up from i = 0; the running sum kept as max + log(sum of exp(term - max)).
  let term = -n * Math.LN2;
  let logSum = term;
  for (let i = 0; i < k; i++) {
    term += Math.log((n - i) / (i + 1));
    logSum = term > logSum ? term + Math.log1p(Math.exp(logSum - term)) : logSum + Math.log1p(Math.exp(term - logSum));
  }
  return Math.min(1, Math.exp(logSum));
}

/**
 * McNemar's exact (binomial) test of two classifiers on the same samples: only the discordant
 * pairs count; under "equally accurate" each falls either way with probability 1/2.
 * @example mcnemarExact(Uint8Array.of(1, 1, 1, 0), Uint8Array.of(0, 0, 1, 0)) // { modelOnly: 2, baselineOnly: 0, pValue: 0.5 }
 */
export function mcnemarExact(modelCorrect: ArrayLike<number>, baselineCorrect: ArrayLike<number>): McNemarResult {
  if (modelCorrect.length !== baselineCorrect.length) {
    throw new BuffError(
      'INVALID_INPUT',
      `McNemar: ${modelCorrect.length} model outcomes but ${baselineCorrect.length} baseline outcomes`,
      { details: { rule: 'LENGTH_MISMATCH' } },
    );
  }
  let modelOnly = 0;
  let baselineOnly = 0;
  for (let i = 0; i < modelCorrect.length; i++) {
    const m = modelCorrect[i] === 1;
    const b = baselineCorrect[i] === 1;
    if (m && !b) modelOnly++;
    else if (b && !m) baselineOnly++;
  }
  const n = modelOnly + baselineOnly;
  const pValue = n === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(Math.min(modelOnly, baselineOnly), n));
  return { modelOnly, baselineOnly, pValue };
}

/**
 * Wilson score interval of a binomial proportion (successes of n) at a two-sided confidence level.
 * @example wilsonInterval(8, 10, 0.95) // { lower: 0.4902, upper: 0.9433 } (rounded)
 */
export function wilsonInterval(
  successes: number,
  n: number,
  confidence: WilsonConfidence = 0.95,
): { lower: number; upper: number } {
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(successes) && successes >= 0 && successes <= n)) {
    throw new BuffError('INVALID_INPUT', `Wilson interval: ${successes} successes of ${n} trials`, {
      details: { key: 'n', value: String(n) },
    });
  }
  const z = WILSON_Z[confidence];
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}
