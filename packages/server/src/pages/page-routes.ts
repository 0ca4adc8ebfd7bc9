import type * as express from 'express';
import { z } from 'zod';
import { engineVersion, listStrategies } from '@buff/engine';
import { isSignedIn, SESSION_COOKIE, sessionIdOf, tokenMatches } from '../auth.js';
import { assertSameOrigin } from '../request-checks.js';
import { parseRunsQuery } from '../api/runs-query.js';
import { requireRunsNew } from '../api/jobs-api.js';
import { parseRunId } from '../run-files.js';
import { logOf } from '../request-context.js';
import { readRunView } from '../run-view.js';
import { listRuns, runParams } from '../runs-filter.js';
import { groupTrades, pageTrades, parseTradesQuery, readRunTrades, type TradesQuery } from '../run-trades.js';
import { tradesSection } from './run-trades-section.js';
import type { ServerContext } from '../server-context.js';
import { renderLoginPage } from './login-page.js';
import { readNewRunFormData, renderNewRunPage } from './run-new-page.js';
import { renderRunDetailPage } from './run-detail-page.js';
import { renderRunsListPage } from './runs-list-page.js';

const LoginFormSchema = z.object({ token: z.string().min(1).max(512), next: z.string().max(512).default('') }).strict();

/** A `next` target only inside this router (no open redirects). */
function safeNext(base: string, next: string): string {
  return next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? `${base}${next}` : `${base}/runs`;
}

/** The UI pages: /runs, /runs/new (flagged), /runs/:id, /login, /logout. */
export function mountPages(router: express.Router, ctx: ServerContext, form: express.RequestHandler): void {
  // the security headers (CSP, nosniff, ...) are set for every response by securityHeaders()
  const page = (res: express.Response, text: string): void => {
    res.type('html').send(text);
  };

  router.get('/runs', async (req, res) => {
    const { conditions, ...query } = parseRunsQuery(req.query as Record<string, unknown>);
    const registry = await ctx.registry();
    const { items, total } = await ctx.listCache.get(query, () => listRuns(registry, query, { conditions }));
    const strategies = listStrategies().map((s) => s.name);
    const params = await runParams(registry, items);
    page(res, renderRunsListPage({ base: req.baseUrl, query, items, total, strategies, params, runsNew: ctx.runsNew }));
  });

  router.get('/runs/new', requireRunsNew(ctx), async (req, res) => {
    if (!isSignedIn(req, ctx))
      return page(res, renderLoginPage({ base: req.baseUrl, next: '/runs/new', runsNew: ctx.runsNew }));
    page(res, renderNewRunPage({ base: req.baseUrl, data: await readNewRunFormData(ctx), limits: ctx.limits }));
  });

  router.get('/runs/:id', async (req, res) => {
    const id = parseRunId(req.params.id);
    const view = await readRunView(ctx, id);
    const { symbol, ...rest } = req.query as Record<string, unknown>;
    const chosen = typeof symbol === 'string' ? symbol : undefined;
    const query = parseTradesQuery(rest);
    // a run folder whose manifest names no trades table (hand-made, or from another tool) has no trades to show
    const hasTrades = view.manifest.artifacts.some((a) => a.file === 'trades.arrow');
    const rows = hasTrades ? await readRunTrades(ctx, id) : [];
    const link = (change: Partial<TradesQuery>): string => {
      const params = new URLSearchParams();
      if (chosen !== undefined) params.set('symbol', chosen);
      for (const [key, value] of Object.entries({ ...query, ...change })) params.set(key, String(value));
      return `?${params.toString()}`;
    };
    const trades = tradesSection({
      api: `${req.baseUrl}/api/runs/${id}`,
      rows: pageTrades(rows, query),
      total: rows.length,
      query,
      bySymbol: groupTrades(rows, 'symbol'),
      byExitReason: groupTrades(rows, 'exitReason'),
      link,
    });
    const serverEngine = engineVersion();
    page(
      res,
      renderRunDetailPage({ base: req.baseUrl, view, symbol: chosen, runsNew: ctx.runsNew, trades, serverEngine }),
    );
  });

  router.get('/login', (req, res) => {
    page(
      res,
      renderLoginPage({
        base: req.baseUrl,
        next: typeof req.query.next === 'string' ? req.query.next : '/runs',
        runsNew: ctx.runsNew,
      }),
    );
  });

  router.post('/login', ctx.loginThrottle.middleware, form, (req, res) => {
    const parsed = LoginFormSchema.safeParse(req.body ?? {});
    const next = parsed.success ? parsed.data.next : '/runs';
    res.setHeader('Cache-Control', 'no-store');
    if (!parsed.success || !ctx.adminToken || !tokenMatches(ctx.adminToken, parsed.data.token)) {
      const error = !ctx.adminToken
        ? 'No admin token is configured on this server; creating runs is disabled.'
        : 'Wrong token.';
      // the client's address, never the token tried
      logOf(req, ctx.logger).warn({ path: req.path, ip: req.ip }, 'login refused');
      res.status(!ctx.adminToken ? 403 : 401);
      return page(res, renderLoginPage({ base: req.baseUrl, next, error, runsNew: ctx.runsNew }));
    }
    ctx.sessions.revoke(sessionIdOf(req));
    const session = ctx.sessions.create();
    res.cookie(SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'strict',
      path: req.baseUrl || '/',
      secure: req.secure,
      maxAge: ctx.limits.sessionTtlMs,
    });
    logOf(req, ctx.logger).info({ ip: req.ip }, 'signed in');
    res.redirect(303, safeNext(req.baseUrl, next));
  });

  router.post('/logout', (req, res) => {
    const id = sessionIdOf(req);
    if (id !== undefined) {
      assertSameOrigin(req);
      ctx.sessions.revoke(id);
    }
    res.clearCookie(SESSION_COOKIE, {
      path: req.baseUrl || '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
    });
    res.redirect(303, `${req.baseUrl}/runs`);
  });
}
