import { errorFunction, probit } from 'simple-statistics';
import { combineAt, type SegmentStats, segmentSharpe, segmentStats } from './segment-stats.js';

// The statistics a sweep reports about its own overfitting: Sharpe ratios per observation, the
// probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey, Borwein,
// López de Prado, Zhu 2017) and the deflated Sharpe ratio of the best cell (Bailey & López de Prado 2014).

const EULER_GAMMA = 0.5772156649015329;

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + errorFunction(x / Math.SQRT2));
}

/** Standard normal quantile: simple-statistics' probit polished by two Newton steps on {@link normalCdf}. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  let x = probit(p);
  for (let step = 0; step < 2; step++) {
    const density = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    x -= (normalCdf(x) - p) / density;
  }
  return x;
}

/** Mean, standard deviation (population), skewness and kurtosis (not excess) of a sample. */
export function moments(values: ArrayLike<number>): { mean: number; sd: number; skewness: number; kurtosis: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] as number;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const sd = Math.sqrt(m2);
  return { mean, sd, skewness: m2 > 0 ? m3 / m2 ** 1.5 : 0, kurtosis: m2 > 0 ? m4 / (m2 * m2) : 3 };
}

/** Sharpe ratio per observation (not annualised): mean / population sd; 0 for a constant series. */
export function sharpeRatio(returns: ArrayLike<number>): number {
  if (returns.length < 2) return 0;
  const { mean, sd } = moments(returns);
  return sd > 0 ? mean / sd : 0;
}

/**
 * Expected maximum Sharpe ratio among `trials` independent trials whose Sharpe ratios have variance
 * `variance` and mean 0 (Bailey & López de Prado 2014, eq. 6); 0 for a single trial.
 * @example expectedMaxSharpe(100, 0.01) // ≈ 0.2531
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials <= 1 || variance <= 0) return 0;
  const a = normalQuantile(1 - 1 / trials);
  const b = normalQuantile(1 - 1 / (trials * Math.E));
  return Math.sqrt(variance) * ((1 - EULER_GAMMA) * a + EULER_GAMMA * b);
}

/** What {@link deflatedSharpeRatio} needs: the best cell's returns and the trials it was chosen from. */
export interface DeflatedSharpeInput {
  /** The selected strategy's returns per observation. */
  returns: ArrayLike<number>;
  /** How many configurations were tried. */
  trials: number;
  /** Variance of the Sharpe ratios (per observation) across the trials. */
  trialSharpeVariance: number;
}

/**
 * The deflated Sharpe ratio: the probability that the true Sharpe ratio exceeds the maximum expected
 * from `trials` unskilled tries, given the sample's length, skewness and kurtosis. `pValue` is
 * 1 - value: small when the best cell is unlikely to be luck.
 * @example deflatedSharpeRatio({ returns, trials: 9, trialSharpeVariance: 0.002 })
 */
export function deflatedSharpeRatio(input: DeflatedSharpeInput): {
  value: number;
  pValue: number;
  sharpe: number;
  benchmark: number;
} {
  const n = input.returns.length;
  const { mean, sd, skewness, kurtosis } = moments(input.returns);
  const sharpe = sd > 0 ? mean / sd : 0;
  const benchmark = expectedMaxSharpe(input.trials, input.trialSharpeVariance);
  if (n < 2 || sd === 0) return { value: 0, pValue: 1, sharpe, benchmark };
  const denominator = Math.sqrt(Math.max(1e-12, 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe));
  const value = normalCdf(((sharpe - benchmark) * Math.sqrt(n - 1)) / denominator);
  return { value, pValue: 1 - value, sharpe, benchmark };
}

/** Every way to choose `k` of `n` indices, in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const walk = (start: number): void => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = start; i <= n - (k - pick.length); i++) {
      pick.push(i);
      walk(i + 1);
      pick.pop();
    }
  };
  walk(0);
  return out;
}

/**
 * Probability of backtest overfitting by CSCV. `returns[cell]` holds each cell's returns over the same
 * T observations; they are cut into `blocks` equal blocks (T mod blocks trailing rows dropped); for
 * every half of the blocks taken as in-sample, the cell best in-sample is ranked out-of-sample
 * (relative rank ω in (0,1)), λ = logit ω, and PBO is the share of splits with λ <= 0. Ties in-sample
 * go to the lowest cell index; out-of-sample ranks count ties as half.
 * @example probabilityOfOverfitting([cellA, cellB, cellC], 8) // { pbo, logits, splits: 70 }
 */
export function probabilityOfOverfitting(
  returns: ReadonlyArray<ArrayLike<number>>,
  blocks: number,
): { pbo: number; logits: number[]; splits: number } {
  const length = Math.min(...returns.map((r) => r.length));
  return probabilityOfOverfittingFromBlocks(
    returns.map((cell) => cscvBlockStats(cell, blocks, length)),
    blocks,
  );
}

/** The statistics of each CSCV block of one cell's returns (blocks of floor(length / blocks) rows). */
export function cscvBlockStats(returns: ArrayLike<number>, blocks: number, length = returns.length): SegmentStats[] {
  const size = Math.floor(length / blocks);
  if (size < 2) return [];
  return Array.from({ length: blocks }, (_, b) => segmentStats(returns, b * size, (b + 1) * size));
}

/** {@link probabilityOfOverfitting} from each cell's block statistics ({@link cscvBlockStats}). */
export function probabilityOfOverfittingFromBlocks(
  cellBlocks: ReadonlyArray<readonly SegmentStats[]>,
  blocks: number,
): { pbo: number; logits: number[]; splits: number } {
  const cells = cellBlocks.length;
  if (cells < 2 || cellBlocks.some((b) => b.length !== blocks)) return { pbo: Number.NaN, logits: [], splits: 0 };
  const logits: number[] = [];
  for (const inSample of combinations(blocks, blocks / 2)) {
    const outSample = [...Array(blocks).keys()].filter((b) => !inSample.includes(b));
    const isSharpe = cellBlocks.map((cell) => segmentSharpe(combineAt(cell, inSample)));
    const best = isSharpe.indexOf(Math.max(...isSharpe));
    const oosSharpe = cellBlocks.map((cell) => segmentSharpe(combineAt(cell, outSample)));
    const below = rankBelow(oosSharpe, oosSharpe[best] as number);
    const omega = (below + 1) / (cells + 1);
    logits.push(Math.log(omega / (1 - omega)));
  }
  return { pbo: logits.filter((l) => l <= 0).length / logits.length, logits, splits: logits.length };
}

/** How many of `values` are below `mine`, ties (other than itself) counted as half. */
function rankBelow(values: readonly number[], mine: number): number {
  let below = 0;
  let ties = 0;
  for (const s of values) {
    if (s < mine) below += 1;
    else if (s === mine) ties += 1;
  }
  return below + 0.5 * (ties - 1);
}
