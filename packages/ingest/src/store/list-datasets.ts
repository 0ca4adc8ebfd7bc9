import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SymbolSchema, type DatasetManifest, type DatasetTable } from '@buff/core';
import { MANIFEST_FILE } from './dataset-paths.js';
import { readDatasetManifest } from './read-dataset.js';

/**
 * Every dataset under the root, sorted by symbol (an absent root has none).
 * @example for (const m of await listDatasets('data')) console.log(m.symbol);
 */
export async function listDatasets(dataRoot: string): Promise<DatasetManifest[]> {
  const entries = await readdir(dataRoot, { withFileTypes: true }).catch(() => []);
  const symbols = entries
    .filter(
      (entry) =>
        entry.isDirectory() &&
        SymbolSchema.safeParse(entry.name).success &&
        existsSync(join(dataRoot, entry.name, MANIFEST_FILE)),
    )
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const manifests: DatasetManifest[] = [];
  for (const symbol of symbols) manifests.push(await readDatasetManifest(dataRoot, symbol));
  return manifests;
}

/**
 * The stored table with this content id, if any.
 * @example const hit = await findTableByContentId('data', run.inputs[0].contentId);
 */
export async function findTableByContentId(
  dataRoot: string,
  contentId: string,
): Promise<{ symbol: string; table: DatasetTable } | undefined> {
  for (const manifest of await listDatasets(dataRoot)) {
    for (const table of Object.values(manifest.tables)) {
      if (table.contentId === contentId) return { symbol: manifest.symbol, table };
    }
  }
  return undefined;
}
