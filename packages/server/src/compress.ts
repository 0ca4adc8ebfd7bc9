import compression from 'compression';
import type * as express from 'express';

/**
 * Brotli or gzip (whichever the client prefers, via the `compression` package) for every
 * compressible response over 1 KiB; server-sent event streams stay uncompressed so each event
 * reaches the browser when it is written.
 * @example router.use(compressResponses());
 */
export function compressResponses(): express.RequestHandler {
  return compression({
    threshold: 1024,
    filter: (req, res) => {
      const type = String(res.getHeader('Content-Type') ?? '');
      if (type.startsWith('text/event-stream') || req.headers.accept === 'text/event-stream') return false;
      return compression.filter(req, res);
    },
  }) as unknown as express.RequestHandler;
}
