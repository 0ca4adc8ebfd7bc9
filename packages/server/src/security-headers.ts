import helmet from 'helmet';
import type * as express from 'express';

/**
 * The security headers of EVERY response of the router (pages, JSON, assets, errors, 404s): a CSP
 * that allows scripts and styles only as files from this origin (no inline script, no eval), no
 * framing, `Referrer-Policy: same-origin`, nosniff and helmet's other defaults. HSTS is left to the
 * TLS-terminating proxy (a plain-HTTP loopback server must not pin HTTPS for its host name).
 */
export function securityHeaders(): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
  });
}
