import { BuffError } from '@buff/core';

/** Half-open row range [start, end). */
export type RowRange = [number, number];

/** Train, validation and test row ranges, in time order, separated by `gap` rows. */
export interface ChronologicalSplit {
  train: RowRange;
  val: RowRange;
  test: RowRange;
  gap: number;
  window: number;
}

export interface SplitOptions {
  /** Rows one sample looks back over (the model's window); each split must hold at least one. */
  window: number;
  trainFrac?: number;
  valFrac?: number;
  /** Rows left out between splits; at least `window` (default `window`), so no sample of one split sees rows of another. */
  gap?: number;
  /** First usable row (e.g. the feature warmup); ranges are in table rows. Default 0. */
  offset?: number;
}

/**
 * Splits rows [offset, n) chronologically into train, validation and test with `gap` rows dropped
 * between them. A gap >= window means no window of a later split overlaps an earlier split's rows
 * (and a gap >= the label horizon keeps labels from reaching across). INSUFFICIENT_DATA when a
 * split would hold fewer than `window` rows.
 * @example
 * chronologicalSplit(1000, { window: 10 }) // { train: [0, 686], val: [696, 843], test: [853, 1000], ... }
 */
export function chronologicalSplit(n: number, options: SplitOptions): ChronologicalSplit {
  const { window, trainFrac = 0.7, valFrac = 0.15, offset = 0 } = options;
  const gap = options.gap ?? window;
  if (!Number.isInteger(window) || window < 1) throw invalid('window', window, 'a positive integer');
  if (!Number.isInteger(gap) || gap < window) throw invalid('gap', gap, `an integer >= window (${window})`);
  if (!(trainFrac > 0 && valFrac > 0 && trainFrac + valFrac < 1))
    throw invalid('trainFrac', trainFrac, 'with valFrac, fractions > 0 summing below 1');
  if (!Number.isInteger(offset) || offset < 0) throw invalid('offset', offset, 'an integer >= 0');
  const usable = n - offset - 2 * gap;
  const trainRows = Math.floor(usable * trainFrac);
  const valRows = Math.floor(usable * valFrac);
  const testRows = usable - trainRows - valRows;
  if (Math.min(trainRows, valRows, testRows) < window) {
    throw new BuffError(
      'INSUFFICIENT_DATA',
      `split: ${n - offset} rows cannot hold train/val/test of at least window=${window} rows each with gaps of ${gap} (got ${trainRows}/${valRows}/${testRows})`,
      { details: { value: String(n - offset), rule: 'INSUFFICIENT_DATA', window, gap } },
    );
  }
  const trainEnd = offset + trainRows;
  const valStart = trainEnd + gap;
  const valEnd = valStart + valRows;
  const testStart = valEnd + gap;
  return { train: [offset, trainEnd], val: [valStart, valEnd], test: [testStart, n], gap, window };
}

function invalid(key: string, value: number, expected: string): BuffError {
  return new BuffError('INVALID_CONFIG', `split: ${key} must be ${expected}, got ${value}`, {
    details: { key, value: String(value) },
  });
}
