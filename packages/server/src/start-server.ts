import type { AddressInfo } from 'node:net';
import express from 'express';
import { buildRouter } from './create-router.js';
import type { BuffRouterOptions } from './options.js';

/** A running server: its base URL and how to stop it. */
export interface RunningServer {
  /** e.g. `http://127.0.0.1:3000` (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves createBuffRouter at the root of a plain Express app (what `buff serve` and
 * `npm run demo` use). Port 0 picks a free port; the host defaults to loopback.
 * @example const { url, close } = await startServer({ runsRoot: 'runs', dataRoot: 'data', port: 3000 });
 */
export async function startServer(
  options: BuffRouterOptions & { port?: number; host?: string },
): Promise<RunningServer> {
  const { port = 3000, host = '127.0.0.1', ...routerOptions } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const router = buildRouter(routerOptions, { standalone: true });
  await router.ready();
  app.use(router);
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 5_000;
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await router.close();
    },
  };
}
