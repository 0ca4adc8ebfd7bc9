import { describe, expect, it } from 'vitest';
import { BuffError, ErrorCode, isBuffError } from './errors.js';

describe('BuffError', () => {
  it('carries a code from the const map, details and a cause', () => {
    const cause = new Error('disk');
    const err = new BuffError('GAP', 'gap of 3 bars', {
      cause,
      details: { file: 'a.csv', line: 12, rule: 'GAP', value: '2024-01-01T00:03:00Z' },
    });
    expect(err.code).toBe(ErrorCode.GAP);
    expect(err.cause).toBe(cause);
    expect(isBuffError(err)).toBe(true);
    expect(isBuffError(err, 'GAP')).toBe(true);
    expect(isBuffError(err, 'EMPTY_FILE')).toBe(false);
    expect(isBuffError(new Error('x'))).toBe(false);
  });

  it('prints one line naming the code, file and line', () => {
    const err = new BuffError('BAD_NUMBER', 'column "open": "abc" is not a number', {
      details: { file: 'x.csv', line: 7 },
    });
    expect(err.toLine()).toBe('BAD_NUMBER x.csv:line 7: column "open": "abc" is not a number');
    expect(err.toJSON()).toEqual({
      code: 'BAD_NUMBER',
      message: 'column "open": "abc" is not a number',
      details: { file: 'x.csv', line: 7 },
    });
  });

  it('prints the rule and the value when they are known, the value only when the message lacks it', () => {
    const gap = new BuffError('GAP', 'gap of 3 minutes', {
      details: { file: 'a.csv', line: 12, rule: 'GAP', value: '2024-01-01T00:03:00Z' },
    });
    expect(gap.toLine()).toBe('GAP a.csv:line 12: gap of 3 minutes (value "2024-01-01T00:03:00Z")');
    const placed = new BuffError('BAD_TIMESTAMP', 'f.csv line 2, column "timestamp": not a time: "x"', {
      details: { file: 'f.csv', line: 2, rule: 'BAD_TIMESTAMP', value: 'x' },
    });
    expect(placed.toLine()).toBe('BAD_TIMESTAMP: f.csv line 2, column "timestamp": not a time: "x"');
    const shown = new BuffError('INVALID_ID', 'invalid run id "x/y"', { details: { rule: 'RUN_ID', value: 'x/y' } });
    expect(shown.toLine()).toBe('INVALID_ID: invalid run id "x/y" (rule RUN_ID)');
    const keyed = new BuffError('INVALID_CONFIG', 'bad', { details: { key: 'window.until', value: '0' } });
    expect(keyed.toLine()).toBe('INVALID_CONFIG key window.until: bad (value "0")');
  });
});
