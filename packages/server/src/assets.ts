import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlibConstants } from 'node:zlib';
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

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

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

/** A file's bytes as served: raw, brotli (quality 11) and gzip, with an ETag of the raw bytes. */
interface Encoded {
  raw: Buffer;
  br: Buffer;
  gzip: Buffer;
  etag: string;
}

/**
 * Encoded files by path, size and mtime (per process): each asset is read and compressed once,
 * off the event loop, instead of compressed on every request (brotli of the 198 kB chart library
 * took 10-20 ms of the server's single thread per page view, 100-200 ms at load 13, while the
 * page's other requests waited behind it). A changed file has another key, so it is never shadowed.
 */
const encodedFiles = new Map<string, Promise<Encoded>>();

async function encodedFile(path: string): Promise<Encoded> {
  const info = await stat(path);
  const key = `${path}|${info.size}|${info.mtimeMs}`;
  const cached = encodedFiles.get(key);
  if (cached !== undefined) return cached;
  const encoding = (async () => {
    const raw = await readFile(path);
    const [br, gzip] = await Promise.all([
      brotli(raw, {
        params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length },
      }),
      gzipAsync(raw, { level: 9 }),
    ]);
    return { raw, br, gzip, etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"` };
  })();
  encodedFiles.set(key, encoding);
  encoding.catch(() => encodedFiles.delete(key));
  return encoding;
}

/**
 * GET /assets/:name for the files in ASSETS (anything else falls through to a 404), compressed
 * once per process (brotli or gzip, as the client accepts; encodedFile). The UI's files are
 * revalidated on every load (ETag; 304 when unchanged), so a new version is never shadowed by a
 * cached one; the chart library is cached for a day.
 */
export function mountAssets(router: express.Router): void {
  router.get('/assets/:name', async (req, res, next) => {
    const asset = Object.hasOwn(ASSETS, req.params.name) ? ASSETS[req.params.name] : undefined;
    if (asset === undefined) return next();
    try {
      const file = await encodedFile(asset.path());
      const vendor = req.params.name === 'lightweight-charts.js';
      res.setHeader('Content-Type', asset.type);
      res.setHeader('Cache-Control', vendor ? 'public, max-age=86400' : 'no-cache');
      res.setHeader('ETag', file.etag);
      res.setHeader('Vary', 'Accept-Encoding');
      if (req.headers['if-none-match'] === file.etag) return void res.status(304).end();
      const accepts = String(req.headers['accept-encoding'] ?? '');
      const [body, encoding] = /\bbr\b/.test(accepts)
        ? [file.br, 'br']
        : /\bgzip\b/.test(accepts)
          ? [file.gzip, 'gzip']
          : [file.raw, undefined];
      // already encoded: the compression middleware leaves a response with a Content-Encoding alone
      if (encoding) res.setHeader('Content-Encoding', encoding);
      res.setHeader('Content-Length', body.length);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      next(err);
    }
  });
}
