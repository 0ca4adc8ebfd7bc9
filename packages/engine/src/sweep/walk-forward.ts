/** A fold: in-sample and out-of-sample ranges of return indices, [from, to). */
export interface Fold {
  fold: number;
  inSample: [number, number];
  outSample: [number, number];
}

/**
 * Walk-forward folds over `length` observations: the span is cut into `folds + 1` equal segments;
 * fold i tests on segment i + 1 after choosing on segment i (`rolling`) or on segments 0..i (`anchored`).
 * @example walkForwardFolds(100, 4, 'rolling')[0] // { fold: 0, inSample: [0, 20], outSample: [20, 40] }
 */
export function walkForwardFolds(length: number, folds: number, scheme: 'rolling' | 'anchored'): Fold[] {
  const edge = (i: number): number => Math.floor((length * i) / (folds + 1));
  return Array.from({ length: folds }, (_, i) => ({
    fold: i,
    inSample: [scheme === 'anchored' ? 0 : edge(i), edge(i + 1)] as [number, number],
    outSample: [edge(i + 1), edge(i + 2)] as [number, number],
  }));
}
