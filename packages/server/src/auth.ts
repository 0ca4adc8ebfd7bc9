import { createHash, timingSafeEqual } from 'node:crypto';
import type * as express from 'express';
import { BuffError } from '@buff/core';
import { assertSameOrigin } from './request-checks.js';
import type { SessionStore } from './sessions.js';

/** Name of the HttpOnly cookie the login form sets: an opaque session id, never the token. */
export const SESSION_COOKIE = 'buff_session';

/** What authentication needs from the server context. */
export interface AuthContext {
  adminToken: string | undefined;
  sessions: SessionStore;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time token comparison (hashes first so lengths never leak). */
export function tokenMatches(expected: string, given: string): boolean {
  return timingSafeEqual(digest(expected), digest(given));
}

/** One cookie's value from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The session id the request's cookie names (live or not). */
export function sessionIdOf(req: express.Request): string | undefined {
  return readCookie(req.headers.cookie, SESSION_COOKIE);
}

function configured(ctx: AuthContext): ctx is AuthContext & { adminToken: string } {
  return ctx.adminToken !== undefined && ctx.adminToken !== '';
}

/** True when a right Bearer token or a live session cookie comes with the request. */
export function isSignedIn(req: express.Request, ctx: AuthContext): boolean {
  if (!configured(ctx)) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (match?.[1] !== undefined) return tokenMatches(ctx.adminToken, match[1]);
  return ctx.sessions.get(sessionIdOf(req)) !== undefined;
}

/**
 * Checks a request may mutate: FORBIDDEN when no admin token is configured (mutations off),
 * UNAUTHORIZED without a right `Authorization: Bearer` token or a live session cookie. A request
 * authenticated by the cookie must also come from this server's own pages (assertSameOrigin).
 * @example assertAdmin(req, ctx);
 */
export function assertAdmin(req: express.Request, ctx: AuthContext): void {
  if (!configured(ctx)) {
    throw new BuffError('FORBIDDEN', 'mutations are disabled: no admin token configured (set BUFF_ADMIN_TOKEN)', {
      details: { rule: 'adminToken' },
    });
  }
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined || !tokenMatches(ctx.adminToken, match[1]))
      throw new BuffError('UNAUTHORIZED', 'admin token rejected', { details: { rule: 'bearer' } });
    return;
  }
  if (ctx.sessions.get(sessionIdOf(req)) === undefined) {
    throw new BuffError(
      'UNAUTHORIZED',
      'admin token required: send Authorization: Bearer <token>, or sign in at /login (sessions expire)',
      { details: { rule: 'bearer' } },
    );
  }
  assertSameOrigin(req);
}

/**
 * `Cache-Control: no-store` on every answer to a request that carries credentials (a Bearer
 * token or a session cookie), so signed-in pages and data are never kept by a browser or proxy.
 */
export const noStoreWhenSignedIn: express.RequestHandler = (req, res, next) => {
  if (req.headers.authorization !== undefined || sessionIdOf(req) !== undefined)
    res.setHeader('Cache-Control', 'no-store');
  next();
};
