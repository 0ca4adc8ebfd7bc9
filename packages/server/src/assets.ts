import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as express from 'express';

/** The files under /assets: the UI's own scripts and stylesheet (packages/server/client) and the chart library. */
const ASSETS: Record<string, { path: () => string; type: string }> = {
  'run-detail.js': { path: () => clientFile('run-detail.js'), type: 'text/javascript; charset=utf-8' },
  'runs-list.js': { path: () => clientFile('runs-list.js'), type: 'text/javascript; charset=utf-8' },
  'run-new.js': { path: () => clientFile('run-new.js'), type: 'text/javascript; charset=utf-8' },
  'dryrun-live.js': { path: () => clientFile('dryrun-live.js'), type: 'text/javascript; charset=utf-8' },
  'buff.css': { path: () => clientFile('buff.css'), type: 'text/css; charset=utf-8' },
  'pages.css': { path: () => clientFile('pages.css'), type: 'text/css; charset=utf-8' },
  'lightweight-charts.js': {
    path: () =>
      join(
        dirname(resolvePackageFile('lightweight-charts/package.json')),
        'dist',
        'lightweight-charts.standalone.production.js',
      ),
    type: 'text/javascript; charset=utf-8',
  },
};

function resolvePackageFile(specifier: string): string {
  return createRequire(import.meta.url).resolve(specifier);
}

/**
 * A browser file of this package, found through its own exports (`@buff/server/client/*`), so the
 * same lookup works from the sources, from dist and from the CLI's bundle.
 */
function clientFile(name: string): string {
  return resolvePackageFile(`@buff/server/client/${name}`);
}

/**
 * GET /assets/:name for the files in ASSETS (anything else falls through to a 404). The UI's files
 * are revalidated on every load (ETag), so a new version is never shadowed by a cached one.
 */
export function mountAssets(router: express.Router): void {
  router.get('/assets/:name', (req, res, next) => {
    const asset = Object.hasOwn(ASSETS, req.params.name) ? ASSETS[req.params.name] : undefined;
    if (asset === undefined) return next();
    const vendor = req.params.name === 'lightweight-charts.js';
    res.sendFile(asset.path(), {
      maxAge: vendor ? '1d' : 0,
      headers: { 'Content-Type': asset.type, ...(vendor ? {} : { 'Cache-Control': 'no-cache' }) },
    });
  });
}
