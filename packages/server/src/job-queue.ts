import { randomBytes } from 'node:crypto';
import { BuffError, type Logger } from '@buff/core';
import type { ErrorBody } from './error-status.js';
import { errorResponse } from './error-status.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** A background job as the API reports it. */
export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  /** The step running now (e.g. 'ingest', 'build'). */
  step: string;
  createdAt: string;
  finishedAt?: string;
  runId?: string;
  error?: ErrorBody;
}

/** What a job's work reports as it goes. */
export interface JobContext {
  setStep(step: string): void;
}

export interface JobQueue {
  /** Queues work; throws TOO_MANY_JOBS when `maxJobs` are queued or running. */
  submit(kind: string, work: (ctx: JobContext) => Promise<{ runId?: string }>): Job;
  get(id: string): Job | undefined;
  /** Jobs queued or running. */
  depth(): number;
  /** Waits for running jobs to finish (queued ones are dropped). */
  close(): Promise<void>;
}

/**
 * A FIFO job queue in memory: at most `concurrency` jobs run at once, at most `maxJobs`
 * are waiting or running. Finished jobs are kept (the newest 500) for status polls.
 * @example const queue = createJobQueue({ concurrency: 1, maxJobs: 4, logger });
 */
export function createJobQueue(options: { concurrency: number; maxJobs: number; logger: Logger }): JobQueue {
  const jobs = new Map<string, Job>();
  const waiting: Array<() => Promise<void>> = [];
  const running = new Set<Promise<void>>();
  let closed = false;

  const pump = (): void => {
    while (!closed && running.size < options.concurrency && waiting.length > 0) {
      const start = waiting.shift() as () => Promise<void>;
      const promise = start().finally(() => {
        running.delete(promise);
        pump();
      });
      running.add(promise);
    }
  };

  const forgetOld = (): void => {
    const finished = [...jobs.values()].filter((job) => job.finishedAt !== undefined);
    for (const job of finished.slice(0, Math.max(0, finished.length - 500))) jobs.delete(job.id);
  };

  return {
    submit(kind, work) {
      if (closed) throw new BuffError('CONFLICT', 'server is shutting down');
      const active = waiting.length + running.size;
      if (active >= options.maxJobs) {
        throw new BuffError('TOO_MANY_JOBS', `${active} jobs queued or running; the limit is ${options.maxJobs}`, {
          details: { rule: 'maxJobs', limit: options.maxJobs },
        });
      }
      const job: Job = {
        id: `job-${randomBytes(8).toString('hex')}`,
        kind,
        status: 'queued',
        step: 'queued',
        createdAt: new Date().toISOString(),
      };
      jobs.set(job.id, job);
      const log = options.logger.child({ jobId: job.id, kind });
      waiting.push(async () => {
        job.status = 'running';
        log.info('job started');
        try {
          const result = await work({
            setStep: (step) => {
              job.step = step;
              log.info({ step }, 'job step');
            },
          });
          if (result.runId !== undefined) job.runId = result.runId;
          job.status = 'succeeded';
          log.info({ runId: job.runId }, 'job succeeded');
        } catch (err) {
          job.status = 'failed';
          job.error = errorResponse(err).body;
          if (job.error.code === 'INTERNAL' && err instanceof Error) job.error.message = err.message;
          log.warn({ err, code: job.error.code }, 'job failed');
        } finally {
          job.step = 'done';
          job.finishedAt = new Date().toISOString();
          forgetOld();
        }
      });
      pump();
      return job;
    },
    get: (id) => jobs.get(id),
    depth: () => waiting.length + running.size,
    async close() {
      closed = true;
      waiting.length = 0;
      await Promise.allSettled([...running]);
    },
  };
}
