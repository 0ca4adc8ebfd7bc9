import { describe, expect, it } from 'vitest';
import { TIMEFRAMES, parseTimeframe, timeframeMs } from './timeframe.js';
import { BuffError } from './errors.js';

describe('timeframes', () => {
  it('knows 1m 5m 15m 30m 1h 4h 1d in ascending length', () => {
    expect(TIMEFRAMES).toEqual(['1m', '5m', '15m', '30m', '1h', '4h', '1d']);
    const lengths = TIMEFRAMES.map(timeframeMs);
    expect([...lengths].sort((a, b) => a - b)).toEqual(lengths);
    expect(timeframeMs('1d')).toBe(86_400_000);
  });

  it('rejects anything else with UNKNOWN_TIMEFRAME naming the value', () => {
    expect(parseTimeframe('4h')).toBe('4h');
    expect(() => parseTimeframe('2h')).toThrowError(BuffError);
    try {
      parseTimeframe('1H');
    } catch (err) {
      expect((err as BuffError).code).toBe('UNKNOWN_TIMEFRAME');
      expect((err as BuffError).details.value).toBe('1H');
    }
  });
});
