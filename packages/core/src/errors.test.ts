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
});
