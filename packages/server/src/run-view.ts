import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BuffError, type QualityReport, type RunManifest } from '@buff/core';
import { readQualityReport } from '@buff/ingest';
import type { RunRecord } from '@buff/registry';
import { artifactContentType, downloadableNames, readRunManifest } from './run-files.js';
import type { ServerContext } from './server-context.js';

/** Everything the run page and GET /api/runs/:id show about one run. */
export interface RunView {
  record: RunRecord;
  manifest: RunManifest;
  metrics: Record<string, unknown> | undefined;
  /** The ingest quality report per input symbol; null when the data has none (e.g. synthetic). */
  quality: Record<string, QualityReport | null>;
  artifacts: Array<{ file: string; bytes: number; contentType: string }>;
}

/**
 * Reads one run for display: its registry record, manifest, metrics and the quality report of
 * each input symbol. RUN_NOT_FOUND when the registry does not know the id.
 * @example const view = await readRunView(ctx, 'run-0123456789abcdef');
 */
export async function readRunView(ctx: ServerContext, id: string): Promise<RunView> {
  const registry = await ctx.registry();
  const record = await registry.get(id);
  if (record === undefined) throw new BuffError('RUN_NOT_FOUND', `no run ${id}`, { details: { key: 'id', value: id } });
  const runDir = registry.runDir(id);
  const manifest = await readRunManifest(runDir, id);
  const metrics = manifest.artifacts.some((a) => a.file === 'metrics.json')
    ? (JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8')) as Record<string, unknown>)
    : undefined;
  const quality: Record<string, QualityReport | null> = {};
  for (const symbol of [...new Set(manifest.inputs.map((input) => input.symbol))].sort()) {
    quality[symbol] = (await readQualityReport(ctx.dataRoot, symbol).catch(() => undefined)) ?? null;
  }
  const sizes = new Map(manifest.artifacts.map((a) => [a.file, a.bytes]));
  sizes.set('manifest.json', (await stat(join(runDir, 'manifest.json'))).size);
  const artifacts = downloadableNames(manifest).map((file) => ({
    file,
    bytes: sizes.get(file) ?? 0,
    contentType: artifactContentType(file),
  }));
  return { record, manifest, metrics, quality, artifacts };
}
