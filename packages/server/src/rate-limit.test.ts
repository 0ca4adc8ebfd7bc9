import { describe, expect, it } from 'vitest';
import { BuffError } from '@buff/core';
import { createRateLimiter } from './rate-limit.js';

describe('createRateLimiter', () => {
  it('allows perMinute takes in any 60 s and says when to retry', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({ perMinute: 2, now: () => now });
    limiter.take();
    now += 10_000;
    limiter.take();
    let caught: unknown;
    try {
      limiter.take();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BuffError);
    expect((caught as BuffError).code).toBe('RATE_LIMITED');
    expect((caught as BuffError).details.retryAfterSeconds).toBe(50);
    now += 50_000;
    limiter.take();
  });
});
