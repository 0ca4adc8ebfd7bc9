import { randomBytes } from 'node:crypto';

/** A signed-in browser: an opaque id (the cookie holds only this) and when it stops working. */
export interface Session {
  id: string;
  expiresAt: number;
}

/** Server-side sessions of the login form (in memory: a restart signs everyone out). */
export interface SessionStore {
  /** A new session with 256 random bits as its id. */
  create(): Session;
  /** The live session of this id, or undefined (unknown, revoked or expired). */
  get(id: string | undefined): Session | undefined;
  /** Ends a session at once (logout); unknown ids are ignored. */
  revoke(id: string | undefined): void;
  size(): number;
}

/**
 * Sessions that expire `ttlMs` after sign-in. At most `maxSessions` are kept (the oldest is dropped
 * first), so repeated sign-ins cannot grow memory without bound.
 * @example const sessions = createSessionStore({ ttlMs: 8 * 3600_000 }); const { id } = sessions.create();
 */
export function createSessionStore(options: { ttlMs: number; maxSessions?: number; now?: () => number }): SessionStore {
  const now = options.now ?? Date.now;
  const maxSessions = options.maxSessions ?? 1000;
  const live = new Map<string, number>();
  const sweep = (t: number): void => {
    for (const [id, expiresAt] of live) if (expiresAt <= t) live.delete(id);
  };
  return {
    create() {
      const t = now();
      sweep(t);
      while (live.size >= maxSessions) live.delete(live.keys().next().value as string);
      const session = { id: randomBytes(32).toString('base64url'), expiresAt: t + options.ttlMs };
      live.set(session.id, session.expiresAt);
      return session;
    },
    get(id) {
      if (id === undefined) return undefined;
      const expiresAt = live.get(id);
      if (expiresAt === undefined) return undefined;
      if (expiresAt <= now()) {
        live.delete(id);
        return undefined;
      }
      return { id, expiresAt };
    },
    revoke(id) {
      if (id !== undefined) live.delete(id);
    },
    size: () => live.size,
  };
}
