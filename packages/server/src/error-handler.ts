import type * as express from 'express';
import { BuffError } from '@buff/core';
import { errorResponse } from './error-status.js';
import { renderErrorPage } from './pages/error-page.js';
import { logOf } from './request-context.js';
import type { ServerContext } from './server-context.js';

/** Router and body-parser failures (bad %-escape, too large, bad JSON, wrong charset, undecodable body) as BuffErrors. */
function fromExpress(err: unknown): unknown {
  if (err instanceof URIError) {
    return new BuffError('INVALID_INPUT', 'malformed %-escape in the request path', {
      details: { rule: 'path-encoding' },
    });
  }
  const { type, status, code } = err as { type?: unknown; status?: unknown; code?: unknown };
  if (type === 'entity.too.large') {
    const limit = (err as { limit?: number }).limit;
    return new BuffError('PAYLOAD_TOO_LARGE', `request body larger than ${limit} bytes`, {
      details: { rule: 'maxBodyBytes', limit },
    });
  }
  if (type === 'entity.parse.failed')
    return new BuffError('INVALID_INPUT', 'request body is not valid JSON', { details: { rule: 'json' } });
  if ((typeof type === 'string' && type.startsWith('encoding.')) || type === 'charset.unsupported') {
    return new BuffError('INVALID_INPUT', 'unsupported request body encoding', { details: { rule: String(type) } });
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    // a body labelled gzip/deflate/br that does not decode as such (zlib's Z_DATA_ERROR, Z_BUF_ERROR, ...)
    return new BuffError('INVALID_INPUT', 'request body does not match its Content-Encoding', {
      details: { rule: 'content-encoding', reason: code },
    });
  }
  if (status === 400) return new BuffError('INVALID_INPUT', 'malformed request', { details: { rule: 'request' } });
  return err;
}

/**
 * The router's last middleware: every error becomes `{ code, message, details }` with the status
 * from ERROR_STATUS (pages get the same as HTML). Refusals of mutations are logged and counted.
 */
export function errorHandler(ctx: ServerContext): express.ErrorRequestHandler {
  return (rawErr, req, res, next) => {
    if (res.headersSent) return next(rawErr);
    const err = fromExpress(rawErr);
    const { status, body } = errorResponse(err);
    const log = logOf(req, ctx.logger);
    if (status >= 500 && (body.code === 'INTERNAL' || body.code === 'NO_SPACE' || body.code === 'IO_ERROR'))
      log.error({ err: rawErr, path: req.path }, 'request failed');
    else if (req.method !== 'GET' || body.code === 'KILL_SWITCH_ON') {
      ctx.metrics.refusals.inc({ code: body.code });
      log.warn(
        { code: body.code, method: req.method, path: req.path, ip: req.ip, details: body.details },
        'request refused',
      );
    }
    if (body.code === 'RATE_LIMITED') res.setHeader('Retry-After', String(body.details.retryAfterSeconds ?? 60));
    const wantsJson = req.path.startsWith('/api/') || !req.accepts('html');
    if (wantsJson) res.status(status).json(body);
    else
      res
        .status(status)
        .type('html')
        .send(renderErrorPage(req.baseUrl, status, body));
  };
}

/** JSON 404 for anything under /api that no route matched. */
export const apiNotFound: express.RequestHandler = (req) => {
  throw new BuffError('NOT_FOUND', `no API route ${req.method} ${req.path}`, { details: { rule: 'route' } });
};

/** 404 (a page or JSON, as the client accepts) for any other path no route matched. */
export const notFound: express.RequestHandler = (req) => {
  throw new BuffError('NOT_FOUND', `no page ${req.method} ${req.path.slice(0, 200)}`, { details: { rule: 'route' } });
};
