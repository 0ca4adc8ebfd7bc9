import { BuffError, type Logger, silentLogger } from '@buff/core';
import type { JobQueue } from './job-queue.js';
import type { Job, JobKind, JobProgress, JsonValue } from './job-schemas.js';

/** What a handler gets besides its job: a progress reporter and a signal that fires when the job is lost or handed back. */
export interface JobRunContext {
  progress(progress: JobProgress): void;
  signal: AbortSignal;
  logger: Logger;
}

/** Runs one job of its kind and returns its result (plain JSON); throwing fails the job for good. */
export type JobHandler = (job: Job, ctx: JobRunContext) => Promise<JsonValue>;

export interface JobWorkerOptions {
  queue: JobQueue;
  /** Names the worker in jobs (`worker`) and in interruption reasons, e.g. `host:pid`. */
  workerId: string;
  handlers: Partial<Record<JobKind, JobHandler>>;
  concurrency?: number;
  /** Idle wait between empty claims (at most: a queue with `changed` wakes the worker sooner). */
  pollMs?: number;
  /** Heartbeat period; keep it well under the queue's heartbeatSeconds. */
  heartbeatMs?: number;
  logger?: Logger;
  /** Called after each job ends (done, failed or handed back). */
  onSettled?: (job: Job, outcome: 'done' | 'failed' | 'released' | 'lost') => void;
}

/** A running worker. */
export interface JobWorker {
  /** Jobs in hand now. */
  readonly active: number;
  /**
   * Stops claiming; jobs in hand get `graceMs` to finish, then are handed back (`interrupted`,
   * retried elsewhere) with `reason`.
   */
  stop(options?: { graceMs?: number; reason?: string }): Promise<void>;
}

/**
 * Takes jobs of the kinds it has handlers for, `concurrency` at a time, heartbeats while each
 * runs, records results (fenced by attempt) and hands jobs back on stop.
 * @example const worker = startJobWorker({ queue, workerId: 'w1', handlers: { build }, concurrency: 2 });
 */
export function startJobWorker(options: JobWorkerOptions): JobWorker {
  const kinds = Object.keys(options.handlers) as JobKind[];
  const logger = options.logger ?? silentLogger();
  const inHand = new Map<string, { attempt: number; abort: AbortController; done: Promise<void> }>();
  let stopping = false;
  let wake: (() => void) | undefined;

  const runOne = async (job: Job, attempt: number, abort: AbortController): Promise<void> => {
    const log = logger.child({ jobId: job.id, kind: job.kind, attempt });
    let progress: JobProgress = job.progress;
    let lost = false;
    const beat = setInterval(() => {
      void options.queue.heartbeat(job.id, attempt, progress).then(
        (held) => {
          if (!held && !abort.signal.aborted) {
            lost = true;
            abort.abort(new BuffError('CONFLICT', 'the job was taken back from this worker'));
          }
        },
        (err: unknown) => log.warn({ err }, 'heartbeat failed'),
      );
    }, options.heartbeatMs ?? 3000);
    beat.unref?.();
    let outcome: 'done' | 'failed' | 'released' | 'lost' = 'done';
    // a queue call that throws (the database unreachable) is retried until it answers or the job is
    // taken back: a network blip neither fails the job for good nor ends the worker
    const settle = (call: () => Promise<boolean>) => untilAnswered(call, abort.signal, log);
    try {
      log.info('job started');
      const handler = options.handlers[job.kind] as JobHandler;
      let result: JsonValue | undefined;
      let failure: unknown;
      try {
        result = await handler(job, { progress: (p) => (progress = p), signal: abort.signal, logger: log });
      } catch (err) {
        failure = err;
      }
      if (abort.signal.aborted) outcome = lost ? 'lost' : 'released';
      else if (failure !== undefined) {
        outcome = (await settle(() => options.queue.fail(job.id, attempt, reasonOf(failure)))) ? 'failed' : 'lost';
        log.warn({ err: failure }, 'job failed');
      } else if (!(await settle(() => options.queue.complete(job.id, attempt, result ?? null)))) outcome = 'lost';
      log.info({ outcome }, 'job finished');
    } finally {
      clearInterval(beat);
    }
    options.onSettled?.(job, outcome);
  };

  const slot = async (): Promise<void> => {
    while (!stopping) {
      let claimed: Awaited<ReturnType<JobQueue['claim']>>;
      try {
        claimed = await options.queue.claim(options.workerId, kinds);
      } catch (err) {
        logger.warn({ err }, 'claim failed; retrying');
        claimed = undefined;
      }
      if (!claimed) {
        // woken by a change of the queue (a job submitted or handed back), by stop, or after pollMs
        await new Promise<void>((resolve) => {
          const pollMs = options.pollMs ?? 500;
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
          void options.queue.changed?.(pollMs).then(wake);
        });
        continue;
      }
      const abort = new AbortController();
      const entry = { attempt: claimed.attempt, abort, done: runOne(claimed.job, claimed.attempt, abort) };
      inHand.set(claimed.job.id, entry);
      await entry.done;
      inHand.delete(claimed.job.id);
    }
  };

  const slots = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, () => slot());

  return {
    get active() {
      return inHand.size;
    },
    async stop({ graceMs = 0, reason = `worker ${options.workerId} stopping` } = {}) {
      stopping = true;
      wake?.();
      const all = Promise.all(slots);
      const finished = await Promise.race([
        all.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref?.()),
      ]);
      if (finished) return;
      for (const [id, entry] of inHand) {
        entry.abort.abort(new BuffError('CONFLICT', reason));
        await options.queue.release(id, entry.attempt, reason).catch(() => false);
      }
    },
  };
}

/**
 * Calls `call` until it answers (retrying thrown errors 0.5-5 s apart); false once `signal` fires
 * (the job was taken back or handed back, so its outcome is no longer this worker's to record).
 */
async function untilAnswered(call: () => Promise<boolean>, signal: AbortSignal, logger: Logger): Promise<boolean> {
  for (let wait = 500; !signal.aborted; wait = Math.min(wait * 2, 5000)) {
    try {
      return await call();
    } catch (err) {
      logger.warn({ err }, 'the queue did not answer; retrying');
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  return false;
}

/** A failure's reason as jobs record it: `CODE: message` for a BuffError. */
export function reasonOf(err: unknown): string {
  if (err instanceof BuffError) return `${err.code}: ${err.message}`;
  return `INTERNAL: ${err instanceof Error ? err.message : String(err)}`;
}
