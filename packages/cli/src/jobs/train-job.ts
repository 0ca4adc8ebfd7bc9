import { BuffError } from '@buff/core';
import type { JobHandler } from '@buff/registry';

/** Where a `train` job reads its bars and writes its model; the job's payload may not choose. */
export interface TrainJobRoots {
  dataRoot: string;
  modelsRoot: string;
}

/**
 * The `train` job of `buff worker`: its payload is `trainModel`'s options without the roots (the
 * worker's `--data-root` / `--models-root` are used). Trains through @buff/ml, which publishes the
 * model folder `<modelsRoot>/<name>/<modelId>` by content id, then registers it in the model
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
    const [{ trainModel }, { openModelRegistry, registryNameOf }] = await Promise.all([
      import('@buff/ml'),
      import('@buff/registry'),
    ]);
    ctx.progress({ step: 'train' });
    const input = { ...(payload as Record<string, unknown>), ...roots } as Parameters<typeof trainModel>[0];
    const result = await trainModel(input, {
      logger: ctx.logger,
      onEpoch: (e) => ctx.progress({ step: 'train', done: e.epoch }),
    });
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
