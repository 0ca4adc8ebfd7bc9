import { BuffError } from '@buff/core';
import type { ModelResolver } from '@buff/engine';
import type { ModelAlias, ModelRegistry } from '@buff/registry';

/**
 * Binds the engine's model lookups (the `model-signal` strategy) to a ModelRegistry: an alias
 * resolves to the version it points at now, a version to itself; NOT_FOUND naming the model otherwise.
 * @example const resolveModel = registryModelResolver(await openModelRegistry({ modelsRoot }));
 */
export function registryModelResolver(registry: ModelRegistry): ModelResolver {
  return async (ref) => {
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
}
