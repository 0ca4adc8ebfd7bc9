import type { FeatureTable } from './features/compute-features.js';
import type { LabelSet } from './labels.js';

/** Statistics of one feature column over the rows past the warmup. */
export interface FeatureColumnStats {
  name: string;
  nanCount: number;
  infCount: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  constant: boolean;
  /** Pearson correlation with the direction label (valid label rows only); null without labels. */
  labelCorrelation: number | null;
  /** Pearson correlation with the forward return the label is made from; null without labels. */
  forwardReturnCorrelation: number | null;
}

export interface FeatureProblem {
  column: string;
  rule: 'NAN' | 'INF' | 'CONSTANT' | 'LEAKAGE_LABEL' | 'LEAKAGE_FUTURE_RETURN';
  severity: 'error' | 'warning';
  message: string;
}

/** `buff features check` report: `ok` is false when any problem is an error. */
export interface FeatureCheckReport {
  rows: number;
  warmup: number;
  ok: boolean;
  columns: FeatureColumnStats[];
  problems: FeatureProblem[];
}

export interface FeatureCheckOptions {
  /** |corr(feature, label)| above this is a leakage suspect (default 0.9: no honest market feature gets near). */
  maxLabelCorrelation?: number;
  /** |corr(feature, forward return)| above this means the feature is the future return (default 0.99). */
  maxForwardReturnCorrelation?: number;
}

/**
 * Data-quality check of a feature table: NaN and infinite values past the warmup (errors),
 * constant columns (warnings) and, given labels, leakage suspects: a feature implausibly correlated
 * with the label, or equal to the future return it is labelled from (errors).
 * @example
 * const report = checkFeatures(table, makeLabels(bars)); if (!report.ok) console.log(report.problems);
 */
export function checkFeatures(
  table: FeatureTable,
  labels?: LabelSet,
  options: FeatureCheckOptions = {},
): FeatureCheckReport {
  const maxLabel = options.maxLabelCorrelation ?? 0.9;
  const maxForward = options.maxForwardReturnCorrelation ?? 0.99;
  const rows = table.ts.length;
  const columns: FeatureColumnStats[] = [];
  const problems: FeatureProblem[] = [];
  table.columns.forEach((column, i) => {
    const name = table.names[i] as string;
    const stats = columnStats(name, column, table.warmup, labels);
    columns.push(stats);
    if (stats.nanCount > 0)
      problems.push({
        column: name,
        rule: 'NAN',
        severity: 'error',
        message: `${name}: ${stats.nanCount} NaN values past the warmup`,
      });
    if (stats.infCount > 0)
      problems.push({
        column: name,
        rule: 'INF',
        severity: 'error',
        message: `${name}: ${stats.infCount} infinite values`,
      });
    if (stats.constant)
      problems.push({
        column: name,
        rule: 'CONSTANT',
        severity: 'warning',
        message: `${name}: constant column (${stats.min})`,
      });
    if (stats.forwardReturnCorrelation !== null && Math.abs(stats.forwardReturnCorrelation) > maxForward) {
      problems.push({
        column: name,
        rule: 'LEAKAGE_FUTURE_RETURN',
        severity: 'error',
        message: `${name}: equals the future return (correlation ${stats.forwardReturnCorrelation.toFixed(4)})`,
      });
    } else if (stats.labelCorrelation !== null && Math.abs(stats.labelCorrelation) > maxLabel) {
      problems.push({
        column: name,
        rule: 'LEAKAGE_LABEL',
        severity: 'error',
        message: `${name}: correlation with the label ${stats.labelCorrelation.toFixed(4)} is implausibly high`,
      });
    }
  });
  return { rows, warmup: table.warmup, ok: problems.every((p) => p.severity !== 'error'), columns, problems };
}

function columnStats(
  name: string,
  column: Float32Array,
  warmup: number,
  labels: LabelSet | undefined,
): FeatureColumnStats {
  let nanCount = 0;
  let infCount = 0;
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let t = warmup; t < column.length; t++) {
    const v = column[t] as number;
    if (Number.isNaN(v)) nanCount++;
    else if (!Number.isFinite(v)) infCount++;
    else {
      count++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const mean = count > 0 ? sum / count : Number.NaN;
  let squares = 0;
  for (let t = warmup; t < column.length; t++) {
    const v = column[t] as number;
    if (Number.isFinite(v)) squares += (v - mean) * (v - mean);
  }
  const std = count > 0 ? Math.sqrt(squares / count) : Number.NaN;
  return {
    name,
    nanCount,
    infCount,
    min: count > 0 ? min : Number.NaN,
    max: count > 0 ? max : Number.NaN,
    mean,
    std,
    constant: count > 0 && min === max,
    labelCorrelation: labels ? correlation(column, labels.labels, labels.valid, warmup) : null,
    forwardReturnCorrelation: labels ? correlation(column, labels.forwardReturns, labels.valid, warmup) : null,
  };
}

/** Pearson correlation over rows t >= warmup where valid[t] and both values are finite; 0 when degenerate. */
function correlation(x: ArrayLike<number>, y: ArrayLike<number>, valid: Uint8Array, warmup: number): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let t = warmup; t < x.length; t++) {
    const a = x[t] as number;
    const b = y[t] as number;
    if (valid[t] !== 1 || !Number.isFinite(a) || !Number.isFinite(b)) continue;
    n++;
    sx += a;
    sy += b;
  }
  if (n < 2) return 0;
  const mx = sx / n;
  const my = sy / n;
  let cov = 0;
  let vx = 0;
  let vy = 0;
  for (let t = warmup; t < x.length; t++) {
    const a = x[t] as number;
    const b = y[t] as number;
    if (valid[t] !== 1 || !Number.isFinite(a) || !Number.isFinite(b)) continue;
    cov += (a - mx) * (b - my);
    vx += (a - mx) * (a - mx);
    vy += (b - my) * (b - my);
  }
  return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : 0;
}
