import type { SampleSet } from '../windows.js';

/** Probabilities can never be exactly 0, 1 or a tie at 0.5: a baseline always makes a call. */
const NUDGE = 1e-6;

/** What the naive baselines see of one split: each sample's label and whether its last bar rose. */
export interface BaselineView {
  labels: ArrayLike<number>;
  /** 1 when the sample's last bar closed above the bar before it, else 0 (the labels' own rule). */
  lastUp: ArrayLike<number>;
}

/** Up-probabilities of the naive baselines on the test samples. */
export interface BaselineProbabilities {
  majority: Float32Array;
  persistence: Float32Array;
}

/**
 * The naive baselines, fitted on the training samples and applied to the test samples:
 * majority (always the training majority class, with its training rate) and persistence (the
 * last bar's direction, with the training rate at which a direction persisted, at least 1/2,
 * as its confidence).
 * @example const { majority, persistence } = baselineProbabilities(trainView, testView);
 */
export function baselineProbabilities(train: BaselineView, test: BaselineView): BaselineProbabilities {
  let ups = 0;
  let persisted = 0;
  for (let i = 0; i < train.labels.length; i++) {
    if (train.labels[i] === 1) ups++;
    if (train.labels[i] === train.lastUp[i]) persisted++;
  }
  const n = Math.max(1, train.labels.length);
  const upRate = clamp(ups / n);
  const majorityUp = upRate >= 0.5 ? Math.max(upRate, 0.5 + NUDGE) : upRate;
  const keep = clamp(Math.max(persisted / n, 0.5 + NUDGE));
  const majority = new Float32Array(test.labels.length).fill(majorityUp);
  const persistence = Float32Array.from(test.lastUp, (up) => (up === 1 ? keep : 1 - keep));
  return { majority, persistence };
}

/**
 * Whether each sample's last bar rose: `lastUp[source][end]` of the symbol's bars for every sample.
 * @example const view = { labels: test.labels, lastUp: sampleLastUp(data.map((d) => d.lastUp), test) };
 */
export function sampleLastUp(lastUpBySymbol: readonly Uint8Array[], samples: SampleSet): Uint8Array {
  return Uint8Array.from(samples.end, (end, i) => lastUpBySymbol[samples.source[i] as number]?.[end] ?? 0);
}

/**
 * 1 where close[t] > close[t - 1] (row 0: 0), the direction rule the labels use.
 * @example lastBarUp(Float64Array.of(1, 2, 2, 1)) // Uint8Array [0, 1, 0, 0]
 */
export function lastBarUp(close: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(close.length);
  for (let t = 1; t < close.length; t++) out[t] = (close[t] as number) > (close[t - 1] as number) ? 1 : 0;
  return out;
}

function clamp(p: number): number {
  return Math.min(1 - NUDGE, Math.max(NUDGE, p));
}
