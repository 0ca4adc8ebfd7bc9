// Embed Buff in an existing Express app: the host keeps its own routes and its own auth, and
// mounts Buff's router (JSON API + UI pages) under /research, behind the host's auth.
// Usage: npx tsx examples/embed-express.ts [runs-root] [data-root] [port]
//   (defaults: ./runs, ./data, 3000; the API key is HOST_API_KEY, else "demo-key")
import type { Server } from 'node:http';
import { createBuffRouter } from '@buff/server';
import express, { type NextFunction, type Request, type Response } from 'express';

/** The host's own auth: an API key header (a stand-in for whatever the app already uses). */
function requireApiKey(apiKey: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.get('x-api-key') === apiKey) return next();
    res.status(401).json({ error: 'missing or wrong x-api-key' });
  };
}

/** The host app with Buff mounted under /research. `close()` stops Buff's jobs and closes its registry. */
export function createHostApp(options: { runsRoot: string; dataRoot: string; apiKey: string }) {
  const app = express();
  app.get('/', (_req, res) => {
    res.type('text/plain').send('host app: see /research/runs');
  });
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, app: 'host' });
  });
  const auth = requireApiKey(options.apiKey);
  app.get('/api/account', auth, (_req, res) => {
    res.json({ user: 'analyst', plan: 'research' });
  });
  const buff = createBuffRouter({ runsRoot: options.runsRoot, dataRoot: options.dataRoot });
  app.use('/research', auth, buff); // UI at /research/runs, API at /research/api/...
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found (host)' });
  });
  return { app, close: () => buff.close() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [runsRoot = 'runs', dataRoot = 'data', port = '3000'] = process.argv.slice(2);
  const host = createHostApp({ runsRoot, dataRoot, apiKey: process.env.HOST_API_KEY ?? 'demo-key' });
  const server: Server = host.app.listen(Number(port), '127.0.0.1', () => {
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : port}`;
    console.log(JSON.stringify({ url }));
  });
  process.once('SIGTERM', () => server.close(() => void host.close()));
}
