import { describe, expect, it } from 'vitest';
import { compareRunIds, MAX_COMPARED_RUNS } from './compare-routes.js';

const A = 'run-0123456789abcdef';
const B = 'run-fedcba9876543210';

describe('compareRunIds', () => {
  it('reads ?runs=a,b, repeated ?runs= (the runs list checkboxes) and ?run=, in order, without repeats', () => {
    expect(compareRunIds({ runs: `${A},${B}` })).toEqual([A, B]);
    expect(compareRunIds({ runs: [B, A] })).toEqual([B, A]);
    expect(compareRunIds({ run: [A, B, A] })).toEqual([A, B]);
    expect(compareRunIds({})).toEqual([]);
  });

  it('refuses one run, too many runs and malformed ids', () => {
    expect(() => compareRunIds({ runs: A })).toThrow(/2 to 8 runs, got 1/);
    const many = Array.from({ length: MAX_COMPARED_RUNS + 1 }, (_, i) => `run-${String(i).padStart(16, '0')}`);
    expect(() => compareRunIds({ runs: many.join(',') })).toThrow(/got 9/);
    expect(() => compareRunIds({ runs: `${A},../etc` })).toThrow(expect.objectContaining({ code: 'INVALID_ID' }));
  });
});
