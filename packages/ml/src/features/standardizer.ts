import { BuffError } from '@buff/core';
import type { FeatureTable } from './compute-features.js';

/** Per-feature mean and standard deviation, fitted on the training rows only. JSON-able. */
export interface Standardizer {
  names: string[];
  mean: number[];
  std: number[];
}

/**
 * Fits z-scoring statistics on rows [start, end) of the table, i.e. the TRAIN split only, so that
 * nothing about validation or test data leaks into training. Non-finite values are skipped; a
 * constant column gets std 1.
 * @example const standardizer = fitStandardizer(table, split.train);
 */
export function fitStandardizer(table: FeatureTable, trainRange: readonly [number, number]): Standardizer {
  const start = Math.max(trainRange[0], table.warmup);
  const end = Math.min(trainRange[1], table.ts.length);
  if (end <= start) {
    throw new BuffError(
      'INSUFFICIENT_DATA',
      `standardizer: no training rows in [${trainRange[0]}, ${trainRange[1]}) past warmup ${table.warmup}`,
      {
        details: { rule: 'INSUFFICIENT_DATA' },
      },
    );
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (const column of table.columns) {
    let count = 0;
    let sum = 0;
    for (let t = start; t < end; t++) {
      const v = column[t] as number;
      if (Number.isFinite(v)) {
        sum += v;
        count++;
      }
    }
    const m = count > 0 ? sum / count : 0;
    let squares = 0;
    for (let t = start; t < end; t++) {
      const v = column[t] as number;
      if (Number.isFinite(v)) squares += (v - m) * (v - m);
    }
    const s = count > 1 ? Math.sqrt(squares / count) : 0;
    mean.push(m);
    std.push(s > 1e-12 ? s : 1);
  }
  return { names: [...table.names], mean, std };
}

/**
 * Returns a new table with every column z-scored by the standardizer (NaN stays NaN).
 * Throws INVALID_INPUT when the feature names differ from the ones it was fitted on.
 * @example const scaled = applyStandardizer(table, standardizer);
 */
export function applyStandardizer(table: FeatureTable, standardizer: Standardizer): FeatureTable {
  if (standardizer.names.join('\n') !== table.names.join('\n')) {
    throw new BuffError(
      'INVALID_INPUT',
      `standardizer was fitted on features [${standardizer.names.join(', ')}], table has [${table.names.join(', ')}]`,
      {
        details: { key: 'names', rule: 'FEATURE_NAMES' },
      },
    );
  }
  const columns = table.columns.map((column, i) => {
    const m = standardizer.mean[i] as number;
    const s = standardizer.std[i] as number;
    return column.map((v) => (v - m) / s);
  });
  return { names: [...table.names], columns, ts: table.ts, warmup: table.warmup };
}
