import { parentPort } from 'node:worker_threads';
import { BuffError, createLogger } from '@buff/core';
import { trainModel } from '@buff/ml';

/** What the train thread posts to the worker's main thread. */
export type TrainThreadMessage =
  | { type: 'epoch'; epoch: number }
  | { type: 'done'; result: Awaited<ReturnType<typeof trainModel>> }
  | { type: 'error'; code?: string; message: string; details?: Record<string, unknown> };

// The thread of a `train` job (train-job.ts starts it): trainModel's training loop is synchronous
// and holds its thread for minutes, so it runs here and the worker's main thread keeps beating.
// The options come as the first message (a thread started from sources cannot take workerData).
const post = (message: TrainThreadMessage) => parentPort?.postMessage(message);
parentPort?.once('message', ({ input, bindings }: { input: Parameters<typeof trainModel>[0]; bindings: object }) =>
  trainModel(input, {
    logger: createLogger({ name: 'buff' }).child({ ...bindings, thread: 'train' }),
    onEpoch: (figures) => post({ type: 'epoch', epoch: figures.epoch }),
  }).then(
    (result) => post({ type: 'done', result }),
    (err: unknown) =>
      post(
        err instanceof BuffError
          ? { type: 'error', code: err.code, message: err.message, details: err.details }
          : { type: 'error', message: err instanceof Error ? err.message : String(err) },
      ),
  ),
);
