import { describe, expect, it } from 'vitest';
import { checkFeedBar, type FeedBar } from './feed-bar-check.js';

const MIN = 60_000;
const bar = (over: Partial<FeedBar> = {}): FeedBar => ({
  ts: 10 * MIN,
  open: 100,
  high: 101,
  low: 99,
  close: 100.5,
  volume: 3,
  ...over,
});

describe('feed bars pass the ingest rules before use', () => {
  it('accepts the next bar and flags a gap (used, counted)', () => {
    expect(checkFeedBar(bar(), 9 * MIN, MIN)).toBeUndefined();
    expect(checkFeedBar(bar(), Number.NaN, MIN)).toBeUndefined();
    expect(checkFeedBar(bar({ ts: 12 * MIN }), 9 * MIN, MIN)).toBe('GAP');
  });

  it('refuses disorder, duplicates, off-grid times and bad OHLCV', () => {
    expect(checkFeedBar(bar({ ts: 8 * MIN }), 9 * MIN, MIN)).toBe('UNORDERED_TIMESTAMP');
    expect(checkFeedBar(bar({ ts: 9 * MIN }), 9 * MIN, MIN)).toBe('DUPLICATE_TIMESTAMP');
    expect(checkFeedBar(bar({ ts: 10 * MIN + 5 }), 9 * MIN, MIN)).toBe('WRONG_SPACING');
    expect(checkFeedBar(bar({ high: 100.2 }), 9 * MIN, MIN)).toBe('HIGH_BELOW_OPEN_CLOSE');
    expect(checkFeedBar(bar({ low: 100.2 }), 9 * MIN, MIN)).toBe('LOW_ABOVE_OPEN_CLOSE');
    expect(checkFeedBar(bar({ volume: -1 }), 9 * MIN, MIN)).toBe('NEGATIVE_VOLUME');
    expect(checkFeedBar(bar({ close: Number.NaN }), 9 * MIN, MIN)).toBe('NON_FINITE_NUMBER');
  });
});
