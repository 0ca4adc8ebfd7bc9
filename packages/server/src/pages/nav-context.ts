import { AsyncLocalStorage } from 'node:async_hooks';
import type * as express from 'express';
import { isSignedIn } from '../auth.js';
import type { ServerContext } from '../server-context.js';

/** What the header of every page shows besides its links: whether the visitor is signed in, which flags are on. */
export interface NavState {
  signedIn: boolean;
  runsNew: boolean;
  /** The request's path under the router (marks the current section's link). */
  path: string;
}

const store = new AsyncLocalStorage<NavState>();

/**
 * Middleware that records the request's NavState for the layout, so every page (also error pages
 * and pages added later) shows the same nav and sign-in state without passing it through each renderer.
 * @example router.use(navContext(ctx));
 */
export function navContext(ctx: ServerContext): express.RequestHandler {
  return (req, _res, next) => {
    store.run({ signedIn: isSignedIn(req, ctx), runsNew: ctx.runsNew, path: req.path }, next);
  };
}

/** The NavState of the request being rendered (signed out, flags off outside a request). */
export function currentNav(): NavState {
  return store.getStore() ?? { signedIn: false, runsNew: false, path: '' };
}
