import { BuffError } from '@buff/core';
import type { ModelResolver } from '@buff/engine';
import type { ModelAlias, ModelRegistry } from '@buff/registry';
import type { Output } from './output.js';
import { resolveRoot } from './roots.js';

/**
 * Binds the engine's model lookups (the `model-signal` strategy) to a ModelRegistry: an alias
 * resolves to the version it points at now, a version to itself; NOT_FOUND naming the model otherwise.
 * Its `changeStamp` is the registry's, so a dry run asks again only after a write.
 * @example const resolveModel = registryModelResolver(await openModelRegistry({ modelsRoot }));
 */
export function registryModelResolver(registry: ModelRegistry): ModelResolver {
  const resolve: ModelResolver = async (ref) => {
    const found =
      ref.version !== undefined
        ? await registry.getVersion(ref.name, ref.version)
        : await registry.resolve(ref.name, (ref.alias ?? 'champion') as ModelAlias);
    const what = ref.version !== undefined ? `v${ref.version}` : `alias ${ref.alias ?? 'champion'}`;
    if (found === undefined) {
      throw new BuffError('NOT_FOUND', `model ${ref.name} ${what} is not in the model registry ${registry.root}`, {
        details: { key: 'strategy.params.model', value: `${ref.name} ${what}`, rule: 'MODEL_NOT_FOUND' },
      });
    }
    const modelId = found.card.modelId;
    if (typeof modelId !== 'string') {
      throw new BuffError('CORRUPT_ARTIFACT', `model ${ref.name} v${found.version} has no modelId in its card`, {
        details: { file: found.dir, key: 'modelId', rule: 'MODEL_CARD' },
      });
    }
    return { name: found.name, version: found.version, modelId, dir: found.dir };
  };
  resolve.changeStamp = () => registry.changeStamp();
  return resolve;
}

/**
 * A model resolver that opens the ModelRegistry of MODELS_ROOT (or `--models-root`) on its first
 * lookup only, printing the root then: a config that names no model never touches the models root.
 * @example const models = lazyModelResolver(args.modelsRoot, out); try { ... } finally { await models.close(); }
 */
export function lazyModelResolver(
  modelsRootFlag: string | undefined,
  out: Output,
): { resolveModel: ModelResolver; close(): Promise<void> } {
  let registry: Promise<ModelRegistry> | undefined;
  const open = async (): Promise<ModelRegistry> => {
    const modelsRoot = resolveRoot('MODELS_ROOT', modelsRootFlag);
    out.root(modelsRoot);
    const { openModelRegistry } = await import('@buff/registry');
    return openModelRegistry({ modelsRoot: modelsRoot.path });
  };
  return {
    resolveModel: async (ref) => {
      registry ??= open();
      return registryModelResolver(await registry)(ref);
    },
    close: async () => {
      if (registry) await (await registry).close();
    },
  };
}
