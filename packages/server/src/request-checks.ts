import type * as express from 'express';
import { BuffError } from '@buff/core';

/** Host names always allowed: the loopback names (a DNS-rebinding attacker's name is never one). */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;

/** `[::1]` → `::1`, `Example.COM.` → `example.com`. */
function normalHost(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/**
 * The Host names a router answers: the loopback names plus `extra` (BUFF_ALLOWED_HOSTS, the bind
 * address); `*` among them turns the check off (for a proxy that checks Host itself).
 * @example allowedHostSet(['research.example.com']).has('research.example.com') // true
 */
export function allowedHostSet(extra: readonly string[]): Set<string> | '*' {
  const names = extra.map(normalHost).filter((name) => name !== '');
  if (names.includes('*')) return '*';
  return new Set([...LOOPBACK_HOSTS, ...names]);
}

/**
 * Refuses (403, rule `allowedHosts`) a request whose Host (or X-Forwarded-Host behind a trusted
 * proxy) is not an allowed name: a page on another site that rebinds its DNS name to this server
 * cannot read or change anything, on any route.
 */
export function hostCheck(allowed: Set<string> | '*'): express.RequestHandler {
  return (req, _res, next) => {
    if (allowed === '*') return next();
    const host = normalHost(req.hostname ?? '');
    if (!allowed.has(host)) {
      throw new BuffError(
        'FORBIDDEN',
        `host "${host.slice(0, 100)}" is not allowed: add it to BUFF_ALLOWED_HOSTS (allowedHosts)`,
        { details: { rule: 'allowedHosts', value: host.slice(0, 100) } },
      );
    }
    next();
  };
}

function originOfUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}

/**
 * Refuses (403, rule `origin`) a request whose Origin header (else the origin of its Referer) is
 * not this server's own `protocol://host` — for mutations a browser authenticates with the session
 * cookie, so another site's page cannot make them. Neither header: refused as well.
 */
export function assertSameOrigin(req: express.Request): void {
  const own = `${req.protocol}://${req.host}`.toLowerCase();
  const origin = req.headers.origin ?? originOfUrl(req.headers.referer);
  if (origin?.toLowerCase() !== own) {
    throw new BuffError(
      'FORBIDDEN',
      `cross-origin request refused: ${origin === undefined ? 'no Origin or Referer' : `origin ${origin.slice(0, 100)}`} is not ${own}`,
      { details: { rule: 'origin', value: origin?.slice(0, 100) } },
    );
  }
}
