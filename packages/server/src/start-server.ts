import type { AddressInfo } from 'node:net';
import express from 'express';
import { buildRouter } from './create-router.js';
import { allowedHostsFromEnv, trustProxyFromEnv, type BuffRouterOptions, type TrustProxy } from './options.js';

/** A running server: its base URL and how to stop it. */
export interface RunningServer {
  /** e.g. `http://127.0.0.1:3000` (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves createBuffRouter at the root of a plain Express app (what `buff serve` and
 * `npm run demo` use). Port 0 picks a free port; the host defaults to loopback. `trustProxy` is
 * Express's `trust proxy` (default BUFF_TRUST_PROXY, else off).
 * @example const { url, close } = await startServer({ runsRoot: 'runs', dataRoot: 'data', port: 3000 });
 */
export async function startServer(
  options: BuffRouterOptions & { port?: number; host?: string; trustProxy?: TrustProxy },
): Promise<RunningServer> {
  const { port = 3000, host = '127.0.0.1', trustProxy = trustProxyFromEnv(), ...routerOptions } = options;
  const app = express();
  app.disable('x-powered-by');
  // behind a TLS proxy: req.secure (Secure cookies), req.ip (login throttling) and req.host come from X-Forwarded-*
  app.set('trust proxy', trustProxy);
  // the bind address is a name this server answers to (a wildcard address is not)
  const bound = ['0.0.0.0', '::', ''].includes(host) ? [] : [host];
  const allowedHosts = [...(routerOptions.allowedHosts ?? allowedHostsFromEnv()), ...bound];
  const router = buildRouter({ ...routerOptions, allowedHosts }, { standalone: true });
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
