import type * as express from 'express';
import { MemoryStore, rateLimit } from 'express-rate-limit';
import { BuffError, type Logger } from '@buff/core';
import type { ServerLimits } from './options.js';

/** Per-client throttling of failed sign-ins; `close()` stops the store's timer. */
export interface LoginThrottle {
  /** Put before any check of the admin token (the login form, Bearer-authenticated mutations). */
  middleware: express.RequestHandler;
  close(): Promise<void>;
}

/**
 * At most `limits.loginFailuresPerWindow` failed sign-ins (answers 401: a wrong token in the login
 * form or in `Authorization: Bearer`) per client address (`req.ip`: the proxy's client under
 * `trust proxy`) per `limits.loginWindowMs`; beyond that every sign-in from that address answers
 * 429 RATE_LIMITED with Retry-After, even with the right token, until the window ends.
 * Built on express-rate-limit (its memory store: per process).
 * @example const throttle = createLoginThrottle(limits, logger); router.post('/login', throttle.middleware, ...);
 */
export function createLoginThrottle(limits: ServerLimits, logger: Logger): LoginThrottle {
  const store = new MemoryStore();
  const middleware = rateLimit({
    windowMs: limits.loginWindowMs,
    limit: limits.loginFailuresPerWindow,
    store,
    // only failures count: a request is taken back unless it was refused as unauthorized
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    logger: {
      warn: (err, message) => logger.warn({ err, rule: 'loginFailures' }, message ?? 'login throttle'),
      error: (err, message) => logger.error({ err, rule: 'loginFailures' }, message ?? 'login throttle'),
    },
    handler: (req, _res, next) => {
      const resetTime = (req as express.Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
      next(
        new BuffError('RATE_LIMITED', `too many failed sign-ins from this address; retry in ${retryAfterSeconds} s`, {
          details: { rule: 'loginFailures', limit: limits.loginFailuresPerWindow, retryAfterSeconds },
        }),
      );
    },
  });
  return { middleware, close: async () => store.shutdown() };
}
