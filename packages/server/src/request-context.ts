import { randomBytes } from 'node:crypto';
import type * as express from 'express';
import type { Logger } from '@buff/core';

declare module 'express-serve-static-core' {
  interface Request {
    /** Id of this request (X-Request-Id in and out). */
    requestId?: string;
    /** The server logger with `requestId` bound. */
    log?: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
// unique per process start + a counter: cheaper than random bytes on every request
const BOOT = randomBytes(4).toString('hex');
let counter = 0;

/**
 * Gives each request an id (a sane incoming X-Request-Id is kept) and a child logger, and
 * echoes the id in the response header.
 */
export function requestContext(logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id =
      typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : `${BOOT}-${(++counter).toString(36)}`;
    req.requestId = id;
    req.log = logger.child({ requestId: id });
    res.setHeader('X-Request-Id', id);
    next();
  };
}

/** The request's logger (set by requestContext). */
export function logOf(req: express.Request, fallback: Logger): Logger {
  return req.log ?? fallback;
}
