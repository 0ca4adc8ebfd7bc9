import * as tf from '@tensorflow/tfjs';
import { BuffError } from '@buff/core';

/** One symbol's standardized features as one row-major [rows, features] Float32Array. */
export interface FeatureMatrix {
  data: Float32Array;
  rows: number;
  features: number;
}

/** Samples as parallel typed arrays (no row objects): window `i` ends at row `end[i]` of matrix `source[i]`. */
export interface SampleSet {
  source: Int32Array;
  end: Int32Array;
  labels: Uint8Array;
}

/**
 * Interleaves feature columns into a row-major matrix so that one window is a contiguous slice.
 * @example const matrix = toFeatureMatrix(table.columns);
 */
export function toFeatureMatrix(columns: readonly Float32Array[]): FeatureMatrix {
  const features = columns.length;
  const rows = columns[0]?.length ?? 0;
  const data = new Float32Array(rows * features);
  for (let f = 0; f < features; f++) {
    const column = columns[f] as Float32Array;
    for (let t = 0; t < rows; t++) data[t * features + f] = column[t] as number;
  }
  return { data, rows, features };
}

/**
 * The window ends in rows [start, end) whose whole window lies at or after `firstRow` and whose
 * label is valid. INSUFFICIENT_DATA when none remain.
 * @example const ends = windowEnds([0, 5000], 32, table.warmup, labelSet.valid);
 */
export function windowEnds(
  range: readonly [number, number],
  window: number,
  firstRow: number,
  valid: Uint8Array,
): Int32Array {
  const from = Math.max(range[0], firstRow) + window - 1;
  const out: number[] = [];
  for (let t = from; t < range[1]; t++) if (valid[t] === 1) out.push(t);
  if (out.length === 0) {
    throw new BuffError(
      'INSUFFICIENT_DATA',
      `no complete window of ${window} rows in rows [${range[0]}, ${range[1]}) after warmup ${firstRow}`,
      {
        details: { rule: 'INSUFFICIENT_DATA', window, range },
      },
    );
  }
  return Int32Array.from(out);
}

/** Concatenates per-symbol samples into one set. */
export function mergeSamples(parts: Array<{ source: number; ends: Int32Array; labels: Uint8Array }>): SampleSet {
  const total = parts.reduce((sum, p) => sum + p.ends.length, 0);
  const set: SampleSet = { source: new Int32Array(total), end: new Int32Array(total), labels: new Uint8Array(total) };
  let at = 0;
  for (const part of parts) {
    set.source.fill(part.source, at, at + part.ends.length);
    set.end.set(part.ends, at);
    for (let i = 0; i < part.ends.length; i++) set.labels[at + i] = part.labels[part.ends[i] as number] as number;
    at += part.ends.length;
  }
  return set;
}

/**
 * Copies the windows of samples `order[from..to)` into tensors: time-major (one [batch, features]
 * tensor per step, for the LSTM) or batch-major ([batch, window, features], for the transformer),
 * plus labels and symbol indices. The caller disposes them (or runs inside tf.tidy).
 * @example const batch = windowBatch(matrices, samples, order, 0, 256, 32, 'time-major');
 */
export function windowBatch(
  matrices: readonly FeatureMatrix[],
  samples: SampleSet,
  order: Int32Array,
  from: number,
  to: number,
  window: number,
  layout: 'time-major' | 'batch-major',
): { steps?: tf.Tensor2D[]; x?: tf.Tensor3D; labels: tf.Tensor1D; symbols: tf.Tensor1D } {
  const size = to - from;
  const features = matrices[0]?.features ?? 0;
  const labels = new Float32Array(size);
  const symbols = new Int32Array(size);
  for (let b = 0; b < size; b++) {
    const i = order[from + b] as number;
    labels[b] = samples.labels[i] as number;
    symbols[b] = samples.source[i] as number;
  }
  const batch = { labels: tf.tensor1d(labels), symbols: tf.tensor1d(symbols, 'int32') };
  if (layout === 'batch-major') {
    const x = new Float32Array(size * window * features);
    for (let b = 0; b < size; b++) {
      const i = order[from + b] as number;
      const m = matrices[samples.source[i] as number] as FeatureMatrix;
      const start = ((samples.end[i] as number) - window + 1) * features;
      x.set(m.data.subarray(start, start + window * features), b * window * features);
    }
    return { ...batch, x: tf.tensor3d(x, [size, window, features]) };
  }
  const steps: tf.Tensor2D[] = [];
  for (let s = 0; s < window; s++) {
    const step = new Float32Array(size * features);
    for (let b = 0; b < size; b++) {
      const i = order[from + b] as number;
      const m = matrices[samples.source[i] as number] as FeatureMatrix;
      const start = ((samples.end[i] as number) - window + 1 + s) * features;
      step.set(m.data.subarray(start, start + features), b * features);
    }
    steps.push(tf.tensor2d(step, [size, features]));
  }
  return { ...batch, steps };
}
