import { describe, expect, it } from 'vitest';
import { BuffError } from '@buff/core';
import { decodeCellSummary, encodeCellSummary } from '@buff/engine';

// A worker sends each sweep cell back as its summary in plain JSON; the sweep decodes it. The round
// trip must be exact (the report is byte-identical to the in-process sweep's), non-finite values
// included, and anything else is refused with the job named.
describe('sweep cell summaries as job results', () => {
  it('survive JSON exactly, NaN and infinities included', () => {
    const summary = {
      segments: [
        { n: 10, mean: 0.1 + 0.2, m2: 1 / 3, growth: 1.0000000000000002 },
        { n: 0, mean: 0, m2: 0, growth: 1 },
      ],
      blocks: [{ n: 5, mean: Number.NaN, m2: Number.POSITIVE_INFINITY, growth: Number.NEGATIVE_INFINITY }],
    };
    const json = JSON.parse(JSON.stringify(encodeCellSummary(summary)));
    expect(decodeCellSummary(json, 'job x')).toEqual(summary);
  });

  it('refuses a result that is not a summary, naming the job', () => {
    for (const bad of [
      null,
      [1, 2],
      { segments: [[1, 2, 3]], blocks: [] },
      { segments: [], blocks: [['a', 0, 0, 1]] },
    ]) {
      expect(() => decodeCellSummary(bad, 'sweep cell job job-1')).toThrowError(BuffError);
      expect(() => decodeCellSummary(bad, 'sweep cell job job-1')).toThrowError(/job-1/);
    }
  });
});
