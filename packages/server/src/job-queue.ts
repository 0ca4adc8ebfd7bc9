import { hostname } from 'node:os';
import { BuffError, type Logger } from '@buff/core';
import {
  type Job,
  type JobHandler,
  type JobKind,
  type JobQueue,
  type JobWorker,
  type JsonValue,
  startJobWorker,
} from '@buff/registry';

export type { Job, JobStatus } from '@buff/registry';

/** The server's jobs: a durable JobQueue plus, unless `concurrency` is 0, an in-process worker. */
export interface ServerJobs {
  /** Queues a job; throws TOO_MANY_JOBS when `maxJobs` are waiting or running. */
  submit(kind: JobKind, payload: JsonValue): Promise<Job>;
  get(id: string): Promise<Job | undefined>;
  /** Jobs queued, interrupted or running. */
  depth(): Promise<number>;
  /** Opens the queue and starts the worker now (jobs left by a previous process resume). */
  start(): Promise<void>;
  /** Stops the worker: running jobs get `graceMs`, then are handed back to the queue. */
  close(graceMs?: number): Promise<void>;
}

export interface ServerJobsOptions {
  queue: () => Promise<JobQueue>;
  handlers: Partial<Record<JobKind, JobHandler>>;
  /** Jobs this process runs at once; 0 = none (a `buff worker` runs them). */
  concurrency: number;
  maxJobs: number;
  logger: Logger;
  /** Called when a job this process ran ends (metrics). */
  onSettled?: (job: Job, outcome: 'done' | 'failed' | 'released' | 'lost') => void;
}

/**
 * Jobs that survive a restart: submitted to the JobQueue (the journal under RUNS_ROOT/.buff/jobs
 * by default) and run by an in-process worker started on first use. After a crash, the job that
 * was running is `interrupted` and retried; the others keep their state.
 * @example const jobs = createServerJobs({ queue, handlers: { build }, concurrency: 1, maxJobs: 4, logger });
 */
export function createServerJobs(options: ServerJobsOptions): ServerJobs {
  let worker: JobWorker | undefined;
  let closed = false;
  let opening: Promise<JobQueue> | undefined;
  const queue = async (): Promise<JobQueue> => {
    // a job whose worker died with a previous process is marked interrupted as the queue opens
    opening ??= options.queue().then(async (opened) => {
      await opened.recover();
      return opened;
    });
    opening.catch(() => (opening = undefined));
    const opened = await opening;
    if (!worker && !closed && options.concurrency > 0) {
      worker = startJobWorker({
        queue: opened,
        workerId: `serve@${hostname()}:${process.pid}`,
        handlers: options.handlers,
        concurrency: options.concurrency,
        pollMs: 250,
        logger: options.logger,
        onSettled: options.onSettled,
      });
    }
    return opened;
  };
  return {
    async submit(kind, payload) {
      if (closed) throw new BuffError('CONFLICT', 'server is shutting down');
      const opened = await queue();
      const active = await opened.depth();
      if (active >= options.maxJobs) {
        throw new BuffError('TOO_MANY_JOBS', `${active} jobs queued or running; the limit is ${options.maxJobs}`, {
          details: { rule: 'maxJobs', limit: options.maxJobs },
        });
      }
      return opened.submit({ kind, payload });
    },
    get: async (id) => (await queue()).get(id),
    depth: async () => (await queue()).depth(),
    async start() {
      await queue();
    },
    async close(graceMs = 10_000) {
      closed = true;
      await worker?.stop({ graceMs, reason: `server ${hostname()}:${process.pid} shut down` });
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}
