import { openModelRegistry, type ModelRegistry } from '@buff/registry';

/** The server's model registry: opened on first use, or absent when no models root is configured. */
export interface LazyModelRegistry {
  /** The configured MODELS_ROOT, if any. */
  readonly root: string | undefined;
  /** The open registry, or undefined when no models root is configured. */
  open(): Promise<ModelRegistry | undefined>;
  close(): Promise<void>;
}

/**
 * Opens the model registry of `modelsRoot` on the first call (a failed open is retried on the next).
 * @example const models = lazyModelRegistry('models'); const registry = await models.open();
 */
export function lazyModelRegistry(modelsRoot: string | undefined): LazyModelRegistry {
  let opening: Promise<ModelRegistry> | undefined;
  return {
    root: modelsRoot,
    open() {
      if (modelsRoot === undefined) return Promise.resolve(undefined);
      opening ??= openModelRegistry({ modelsRoot });
      opening.catch(() => (opening = undefined));
      return opening;
    },
    async close() {
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}
