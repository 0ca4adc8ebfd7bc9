import { hostname } from 'node:os';
import { outputFor, type RegisterCommands } from '../context.js';
import { resolveRoot, resolveRunAndDataRoots } from '../roots.js';
import { jobQueueFlags, openQueueFor } from '../jobs/queue-flags.js';

/** `buff worker`: takes jobs from the queue and runs them until SIGTERM / SIGINT. */
export const registerWorkerCommands: RegisterCommands = (cli) =>
  cli.command(
    'worker',
    'take jobs (ingest, build, train, sweep cells) from the job queue and run them; SIGTERM finishes or hands back the current job',
    (y) =>
      jobQueueFlags(y)
        .option('concurrency', { type: 'number', default: 1, describe: 'jobs run at once' })
        .option('grace-seconds', {
          type: 'number',
          default: 30,
          describe: 'on SIGTERM, time the jobs in hand get to finish before they are handed back',
        })
        .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' })
        .option('models-root', {
          type: 'string',
          describe: 'models root for train jobs (else MODELS_ROOT, else ./models)',
        }),
    async (args) => {
      const out = outputFor(args);
      const { runsRoot, dataRoot } = resolveRunAndDataRoots(args, out);
      const modelsRoot = resolveRoot('MODELS_ROOT', args.modelsRoot);
      out.root(modelsRoot);
      const queue = await openQueueFor(args, runsRoot.path);
      const { openRunRegistry, startJobWorker } = await import('@buff/registry');
      const { workerHandlers } = await import('../jobs/worker-handlers.js');
      let registry: ReturnType<typeof openRunRegistry> | undefined;
      const roots = {
        runsRoot: runsRoot.path,
        dataRoot: dataRoot.path,
        modelsRoot: modelsRoot.path,
        registry: () => {
          registry ??= openRunRegistry({
            runsRoot: runsRoot.path,
            create: true,
            ...(args.driver === 'pg'
              ? { driver: 'postgres' as const, pgUrl: args.pgUrl ?? process.env.BUFF_PG_URL }
              : {}),
          });
          return registry;
        },
      };
      const workerId = `${hostname()}:${process.pid}`;
      let done = 0;
      const worker = startJobWorker({
        queue,
        workerId,
        handlers: await workerHandlers(roots),
        concurrency: Math.max(1, Math.floor(args.concurrency)),
        heartbeatMs: Math.max(1000, (args.heartbeatSeconds * 1000) / 4),
        onSettled: (job, outcome) => {
          done += 1;
          out.progress(`${job.kind} ${job.id}: ${outcome}`);
        },
      });
      out.line(`worker ${workerId} on the ${queue.driver} queue, concurrency ${args.concurrency}`);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      out.progress(`${signal}: finishing the jobs in hand (up to ${args.graceSeconds} s), then handing back the rest`);
      await worker.stop({ graceMs: args.graceSeconds * 1000, reason: `worker ${workerId} stopped by ${signal}` });
      await queue.close();
      if (registry) await (await registry).close();
      out.result({ workerId, jobs: done, signal });
    },
  );
