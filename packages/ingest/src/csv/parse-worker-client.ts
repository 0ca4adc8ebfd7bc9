import type { Worker } from 'node:worker_threads';
import { adoptHashWorker, startSiblingWorker } from '@buff/core';
import type { ParseJob, ParseReply } from './parse-job.js';

/** A started parse worker: it boots while the caller reads the header, then parses one job. */
export interface ParseWorker {
  run(job: ParseJob): Promise<ParseReply>;
  /**
   * Once its job is answered: stays on as the process's hash worker (it answers hash requests
   * then) when there is none yet, else is terminated. The ingest that follows hashes its table there.
   */
  retire(): void;
  terminate(): void;
}

/**
 * Starts a worker thread for one {@link ParseJob}. From the build it runs `dist/parse-worker.js`;
 * from TypeScript sources (vitest, tsx) a plain-JS bootstrap registers tsx and loads
 * `parse-worker.ts`. The promise rejects when the worker fails to start or dies.
 * @example const worker = startParseWorker(); const reply = await worker.run(job); worker.retire();
 */
export function startParseWorker(): ParseWorker {
  const worker: Worker = startSiblingWorker(import.meta.url, 'parse-worker');
  const reply = new Promise<ParseReply>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the parse worker exited (code ${code}) without an answer`)));
  });
  reply.catch(() => undefined); // awaited by run(); a worker terminated early is never asked
  return {
    run(job) {
      worker.postMessage(job);
      return reply;
    },
    retire() {
      if (!adoptHashWorker(worker)) void worker.terminate();
    },
    terminate() {
      void worker.terminate();
    },
  };
}
