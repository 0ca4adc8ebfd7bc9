import { BuffError } from '@buff/core';

/** A sliding one-minute window counter: at most `perMinute` takes in any 60 s. */
export interface RateLimiter {
  /** Records one take or throws RATE_LIMITED with `retryAfterSeconds` in details. */
  take(): void;
}

/**
 * @example const limiter = createRateLimiter({ perMinute: 10 }); limiter.take();
 */
export function createRateLimiter(options: { perMinute: number; now?: () => number }): RateLimiter {
  const now = options.now ?? Date.now;
  const stamps: number[] = [];
  return {
    take() {
      const t = now();
      while (stamps.length > 0 && (stamps[0] as number) <= t - 60_000) stamps.shift();
      if (stamps.length >= options.perMinute) {
        const retryAfterSeconds = Math.max(1, Math.ceil(((stamps[0] as number) + 60_000 - t) / 1000));
        throw new BuffError(
          'RATE_LIMITED',
          `at most ${options.perMinute} run creations per minute; retry in ${retryAfterSeconds} s`,
          {
            details: { rule: 'runsPerMinute', limit: options.perMinute, retryAfterSeconds },
          },
        );
      }
      stamps.push(t);
    },
  };
}
