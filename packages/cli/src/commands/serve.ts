import { BuffError, createLogger } from '@buff/core';
import { outputFor, type RegisterCommands } from '../context.js';
import { resolveRoot } from '../roots.js';
import type { RunRegistry } from '@buff/registry';

/** `buff serve`: the web UI and JSON API on a plain Express app until SIGINT/SIGTERM. */
export const registerServeCommands: RegisterCommands = (cli) =>
  cli.command(
    'serve',
    'serve the web UI and JSON API (BUFF_ADMIN_TOKEN enables mutations, BUFF_FEATURE_RUNS_NEW=1 the /runs/new form)',
    (y) =>
      y
        .option('runs-root', { type: 'string', describe: 'runs root (else RUNS_ROOT, else ./runs)' })
        .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' })
        .option('models-root', {
          type: 'string',
          describe: 'model registry shown at /models (else MODELS_ROOT, else ./models)',
        })
        .option('port', { type: 'number', default: 3000, describe: 'port (0 picks a free one)' })
        .option('host', {
          type: 'string',
          default: '127.0.0.1',
          describe: 'interface to listen on (loopback by default)',
        })
        .option('driver', {
          choices: ['fs', 'pg', 'postgres'] as const,
          default: 'fs' as const,
          describe: 'run registry storage: fs (RUNS_ROOT) or pg / postgres (PostgreSQL, as run build and worker use)',
        })
        .option('pg-url', {
          type: 'string',
          describe: 'PostgreSQL connection string for --driver pg (else BUFF_PG_URL)',
        })
        .option('runs-new', {
          type: 'boolean',
          describe: 'enable /runs/new and POST /api/jobs (default: BUFF_FEATURE_RUNS_NEW)',
        }),
    async (args) => {
      const out = outputFor(args);
      // loaded on use: the server pulls in express and prom-client, which other commands never need
      const { envFlag, limitsFromEnv, startServer } = await import('@buff/server');
      const runsRoot = resolveRoot('RUNS_ROOT', args.runsRoot);
      const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
      const modelsRoot = resolveRoot('MODELS_ROOT', args.modelsRoot);
      out.root(runsRoot);
      out.root(dataRoot);
      out.root(modelsRoot);
      // a PostgreSQL registry is opened (and checked) before listening; the fs one opens on first use
      const registry = await openServedRegistry(args, runsRoot.path);
      const server = await startServer({
        ...(registry ? { registry } : {}),
        runsRoot: runsRoot.path,
        dataRoot: dataRoot.path,
        modelsRoot: modelsRoot.path,
        port: args.port,
        host: args.host,
        features: { runsNew: args.runsNew ?? envFlag('BUFF_FEATURE_RUNS_NEW') },
        limits: limitsFromEnv(),
        logger: createLogger({ name: 'buff-server' }),
      }).catch(async (err: unknown) => {
        await registry?.close();
        return refusePortInUse(err, args.host, args.port);
      });
      out.line(`Buff UI: ${server.url}/runs`);
      out.result({ url: server.url, runsUrl: `${server.url}/runs`, port: server.port });
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server
            .close()
            .then(() => registry?.close())
            .then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    },
  );

/** The PostgreSQL run registry for `--driver pg|postgres` (the server does not own it), else undefined. */
async function openServedRegistry(
  args: { driver: 'fs' | 'pg' | 'postgres'; pgUrl?: string | undefined },
  runsRoot: string,
): Promise<RunRegistry | undefined> {
  if (args.driver === 'fs') return undefined;
  const { openRunRegistry } = await import('@buff/registry');
  return openRunRegistry({
    runsRoot,
    driver: 'postgres',
    pgUrl: args.pgUrl ?? process.env.BUFF_PG_URL,
  });
}

/** A listen on a taken port is the user's to fix: one line naming the address (exit 3), not a stack. */
function refusePortInUse(err: unknown, host: string, port: number): never {
  if ((err as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') throw err;
  throw new BuffError(
    'CONFLICT',
    `${host}:${port} is in use: stop what listens there or pick another --port (0 picks a free one)`,
    {
      cause: err,
      details: { key: 'port', value: String(port), rule: 'PORT_IN_USE' },
    },
  );
}
