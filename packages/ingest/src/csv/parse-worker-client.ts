import type { Worker } from 'node:worker_threads';
import { adoptHashWorker, startSiblingWorker } from '@buff/core/io';
import type { ParseJob, ParseReply } from './parse-job.js';

/** A started parse worker: it boots while the caller reads the header, then parses one job. */
export interface ParseWorker {
  /** Whether it was started ahead of need ({@link offerParseWorker}): it has booted, or nearly. */
  readonly early: boolean;
  run(job: ParseJob): Promise<ParseReply>;
  /** Queues one block of a streamed read (`job.stream`); replies come in the order asked. */
  queue(job: ParseJob): Promise<ParseReply>;
  /**
   * Once its job is answered: stays on as the process's hash worker (it answers hash requests
   * then) when there is none yet, else is terminated. The ingest that follows hashes its table there.
   */
  retire(): void;
  terminate(): void;
}

let offered: ParseWorker | undefined;

/**
 * Starts a worker thread for one {@link ParseJob}, or takes the one {@link offerParseWorker} was
 * given. From the build it runs `dist/parse-worker.js`; from TypeScript sources (vitest, tsx) a
 * plain-JS bootstrap registers tsx and loads `parse-worker.ts`. The promise rejects when the
 * worker fails to start or dies.
 * @example const worker = startParseWorker(); const reply = await worker.run(job); worker.retire();
 */
export function startParseWorker(): ParseWorker {
  const worker = offered ?? wrap(startSiblingWorker(import.meta.url, 'parse-worker'), false);
  offered = undefined;
  return worker;
}

/**
 * Hands over a parse worker started ahead of need: the `buff` command starts one, for a large
 * `ingest csv`, before it even loads its own code, so that the worker has booted by the time the
 * file's first row is read. The next two-thread read takes it. Until then it does not keep the
 * process alive, and a second offer replaces (terminates) the first.
 * `thread` must run this build's parse worker entry (`parse-worker.js` / `.cjs` next to it).
 * @example offerParseWorker(new Worker(new URL('./parse-worker.cjs', bundleUrl)));
 */
export function offerParseWorker(thread: Worker): void {
  offered?.terminate();
  offered = wrap(thread, true);
}

function wrap(worker: Worker, early: boolean): ParseWorker {
  // Listening at once: a worker that fails while nobody has asked it anything is not an uncaught error.
  const reply = new Promise<ParseReply>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the parse worker exited (code ${code}) without an answer`)));
  });
  reply.catch(() => undefined); // awaited by run(); a worker terminated early is never asked
  worker.unref();
  const waiting: Array<{ resolve: (reply: ParseReply) => void; reject: (err: Error) => void }> = [];
  let listening = false;
  const listen = (): void => {
    listening = true;
    worker.on('message', (message: ParseReply) => waiting.shift()?.resolve(message));
    const fail = (err: Error): void => {
      for (const next of waiting.splice(0)) next.reject(err);
    };
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the parse worker exited (code ${code}) without an answer`)));
  };
  return {
    early,
    run(job) {
      worker.ref();
      worker.postMessage(job);
      return reply;
    },
    queue(job) {
      if (!listening) listen();
      worker.ref();
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        worker.postMessage(job);
      });
    },
    retire() {
      if (!adoptHashWorker(worker)) void worker.terminate();
    },
    terminate() {
      void worker.terminate();
    },
  };
}
