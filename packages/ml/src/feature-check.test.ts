import { describe, expect, it } from 'vitest';
import { computeFeatures } from './features/compute-features.js';
import { checkFeatures } from './feature-check.js';
import { makeLabels } from './labels.js';
import { walkBars } from './fixtures/walk-bars.js';

describe('checkFeatures', () => {
  const bars = walkBars(600, 5);
  const table = computeFeatures(bars);
  const labels = makeLabels(bars);

  it('passes honest features', () => {
    const report = checkFeatures(table, labels);
    expect(report.ok).toBe(true);
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report.columns).toHaveLength(table.names.length);
    expect(report.columns[0]?.nanCount).toBe(0);
    expect(Math.abs(report.columns[0]?.labelCorrelation ?? 1)).toBeLessThan(0.3);
  });

  it('flags NaN, inf and constant columns', () => {
    const bad = {
      ...table,
      names: [...table.names, 'broken', 'flat'],
      columns: [...table.columns, table.columns[0]!.slice(), new Float32Array(600).fill(3)],
    };
    bad.columns[table.names.length]![100] = Number.NaN;
    bad.columns[table.names.length]![101] = Number.POSITIVE_INFINITY;
    const report = checkFeatures(bad);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => `${p.column}:${p.rule}:${p.severity}`)).toEqual([
      'broken:NAN:error',
      'broken:INF:error',
      'flat:CONSTANT:warning',
    ]);
  });

  it('flags leakage: a feature equal to the future return, or to the label', () => {
    const future = Float32Array.from(labels.forwardReturns);
    const label = Float32Array.from(labels.labels);
    const leaky = { ...table, names: [...table.names, 'next_ret', 'peek'], columns: [...table.columns, future, label] };
    const report = checkFeatures(leaky, labels);
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => p.rule.startsWith('LEAKAGE')).map((p) => `${p.column}:${p.rule}`)).toEqual([
      'next_ret:LEAKAGE_FUTURE_RETURN',
      'peek:LEAKAGE_LABEL',
    ]);
  });
});
