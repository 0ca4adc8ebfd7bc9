import { createHash, timingSafeEqual } from 'node:crypto';
import type * as express from 'express';
import { BuffError } from '@buff/core';

/** Name of the HttpOnly cookie the login form sets. */
export const ADMIN_COOKIE = 'buff_admin';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time token comparison (hashes first so lengths never leak). */
export function tokenMatches(expected: string, given: string): boolean {
  return timingSafeEqual(digest(expected), digest(given));
}

/** The bearer token of a request, from `Authorization: Bearer …` or the login cookie. */
export function presentedToken(req: express.Request): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  return readCookie(req.headers.cookie, ADMIN_COOKIE);
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

/**
 * Checks a request may mutate: throws FORBIDDEN when no admin token is configured (mutations
 * off), UNAUTHORIZED when the token is missing or wrong.
 * @example assertAdmin(req, options.adminToken);
 */
export function assertAdmin(req: express.Request, adminToken: string | undefined): void {
  if (adminToken === undefined || adminToken === '') {
    throw new BuffError('FORBIDDEN', 'mutations are disabled: no admin token configured (set BUFF_ADMIN_TOKEN)', {
      details: { rule: 'adminToken' },
    });
  }
  const given = presentedToken(req);
  if (given === undefined) {
    throw new BuffError('UNAUTHORIZED', 'admin token required: send Authorization: Bearer <token>', {
      details: { rule: 'bearer' },
    });
  }
  if (!tokenMatches(adminToken, given)) {
    throw new BuffError('UNAUTHORIZED', 'admin token rejected', { details: { rule: 'bearer' } });
  }
}

/** Express middleware form of assertAdmin. */
export function requireAdmin(adminToken: string | undefined): express.RequestHandler {
  return (req, _res, next) => {
    assertAdmin(req, adminToken);
    next();
  };
}
