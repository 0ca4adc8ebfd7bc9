import { BuffError, type ErrorCode } from '@buff/core';
import { startSiblingWorker } from '@buff/core/io';
import type { trainModel } from '@buff/ml';
import type { JobHandler } from '@buff/registry';
import type { TrainThreadMessage } from './train-thread.js';

type TrainInput = Parameters<typeof trainModel>[0];
type TrainResult = Awaited<ReturnType<typeof trainModel>>;

/** Where a `train` job reads its bars and writes its model; the job's payload may not choose. */
export interface TrainJobRoots {
  dataRoot: string;
  modelsRoot: string;
}

/**
 * The `train` job of `buff worker`: its payload is `trainModel`'s options without the roots (the
 * worker's `--data-root` / `--models-root` are used). Trains through @buff/ml, which publishes the
 * model folder `<modelsRoot>/<name>/<modelId>` by content id (in a thread of its own,
 * {@link trainInThread}, so that heartbeats go out while it trains), then registers it in the model
 * registry once (`registerOnce`: a retried or repeated job finds the version the first one
 * registered). Returns the model id, folder, registry name and version, and whether its gates passed.
 * @example handlers.train = trainJobHandler({ dataRoot: 'data', modelsRoot: 'models' });
 */
export function trainJobHandler(roots: TrainJobRoots): JobHandler {
  return async (job, ctx) => {
    const payload = job.payload;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      throw new BuffError('INVALID_INPUT', `train job ${job.id}: the payload must be an object of train options`, {
        details: { key: 'payload' },
      });
    for (const key of ['dataRoot', 'modelsRoot'])
      if (key in payload)
        throw new BuffError('INVALID_INPUT', `train job ${job.id}: ${key} is the worker's to choose, not the job's`, {
          details: { key: `payload.${key}`, rule: 'WORKER_ROOTS' },
        });
    const { openModelRegistry, registryNameOf } = await import('@buff/registry');
    ctx.progress({ step: 'train' });
    const input = { ...(payload as Record<string, unknown>), ...roots } as TrainInput;
    const result = await trainInThread(input, { jobId: job.id, kind: job.kind }, ctx.signal, (epoch) =>
      ctx.progress({ step: 'train', done: epoch }),
    );
    ctx.progress({ step: 'register' });
    const name = registryNameOf(result.card.name);
    const models = await openModelRegistry({ modelsRoot: roots.modelsRoot });
    try {
      const { version, registered } = await models.registerOnce(name, {
        sourceDir: result.modelDir,
        card: result.card as unknown as Record<string, unknown>,
        evaluation: result.evaluation as unknown as { passed: boolean },
      });
      return {
        modelId: result.modelId,
        modelDir: result.modelDir,
        name,
        version,
        registered,
        passed: result.evaluation.passed,
      };
    } finally {
      await models.close();
    }
  };
}

/**
 * Runs trainModel in a worker thread (train-thread.ts). Its training loop is synchronous: on the
 * worker's main thread it held the event loop for the whole training, so no heartbeat went out and
 * `recover` took a long train job for dead. The main thread only waits here, so its heartbeat
 * timer, the queue's fencing and SIGTERM keep working; when the job is taken back or handed back
 * (`signal`) the thread is terminated.
 * @example const result = await trainInThread(options, { jobId }, ctx.signal, (epoch) => report(epoch));
 */
export function trainInThread(
  input: TrainInput,
  bindings: Record<string, unknown>,
  signal: AbortSignal,
  onEpoch: (epoch: number) => void,
): Promise<TrainResult> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const thread = startSiblingWorker(import.meta.url, 'train-thread');
    thread.postMessage({ input, bindings });
    const stop = () => void thread.terminate();
    signal.addEventListener('abort', stop, { once: true });
    const settle = (finish: () => void) => {
      signal.removeEventListener('abort', stop);
      thread.removeAllListeners();
      void thread.terminate();
      finish();
    };
    thread.on('message', (message: TrainThreadMessage) => {
      if (message.type === 'epoch') onEpoch(message.epoch);
      else if (message.type === 'done') settle(() => resolve(message.result));
      else settle(() => reject(threadError(message)));
    });
    thread.on('error', (err) => settle(() => reject(err)));
    thread.on('exit', (code) =>
      settle(() =>
        reject(signal.aborted ? signal.reason : new BuffError('INTERNAL', `the train thread exited with code ${code}`)),
      ),
    );
  });
}

function threadError(message: Extract<TrainThreadMessage, { type: 'error' }>): Error {
  if (message.code === undefined) return new Error(message.message);
  return new BuffError(message.code as ErrorCode, message.message, { details: message.details ?? {} });
}
