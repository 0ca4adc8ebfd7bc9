import type { RunRegistry } from './run-registry.js';

/**
 * Adds a run config's `tags:` to a built run's registry record, keeping the tags it has (set by
 * `buff runs tag` or another config); returns the run's tags ([] when the run is not registered).
 * Tags are registry metadata: not in the run id or the manifest. `buff run build`, the server's
 * build job (POST /api/jobs, /runs/new) and `buff worker` all tag through here.
 * @example const tags = await addRunTags(registry, built.runId, prepared.tags);
 */
export async function addRunTags(
  registry: Pick<RunRegistry, 'get' | 'setTags'>,
  runId: string,
  tags: readonly string[],
): Promise<string[]> {
  const record = await registry.get(runId);
  if (tags.length === 0 || !record) return record?.tags ?? [];
  if (tags.every((tag) => record.tags.includes(tag))) return record.tags;
  return (await registry.setTags(runId, [...record.tags, ...tags])).tags;
}
