import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJsonPretty, sha256ChunksOffThread, sha256OfChunksYielding, silentLogger, writeChunks, type ArtifactEntry, type Logger, type RunManifest, type RunStore } from '@buff/core';
import { allocationWeights, parseRunConfig, type RunConfig, type RunConfigInput } from './run-config.js';
import { resolveStrategy } from './strategy-registry.js';
import { loadRunInputs } from './run-inputs.js';
import { computeRunId } from './run-id.js';
import { engineVersion, packageVersions } from './engine-version.js';
import { simulate } from './simulate.js';
import { computeMetrics } from './metrics.js';
import { columnsToIpcChunks } from './arrow-columns.js';
import { ARTIFACT_FILES, daysColumns, decisionsColumns, equityColumns, tradesColumns } from './run-artifacts.js';

/** What {@link buildRun} needs besides the config. */
export interface BuildRunOptions {
  runStore: RunStore;
  dataRoot: string;
  logger?: Logger;
}

export interface BuildRunResult {
  runId: string;
  runDir: string;
  /** False when the run already existed (same config, same data, same engine): nothing was written. */
  created: boolean;
}

/**
 * Builds a run: normalizes the config, loads the inputs, computes the run id, and (unless the
 * store already has that id) simulates, writes every artifact into a staging folder from the
 * store and publishes it atomically. Deterministic: same config + data + engine = same id and bytes.
 * @example const { runId } = await buildRun(parseRunConfig(text), { runStore: registry, dataRoot: 'data' });
 */
export async function buildRun(configInput: RunConfig | RunConfigInput, options: BuildRunOptions): Promise<BuildRunResult> {
  const logger = options.logger ?? silentLogger();
  const parsed = parseRunConfig(configInput);
  const { def, params } = resolveStrategy(parsed.strategy);
  const config: RunConfig = { ...parsed, strategy: { name: parsed.strategy.name, params } };
  const weights = allocationWeights(config);
  const { bars, inputs, verified } = await loadRunInputs(config, options.dataRoot);
  const version = engineVersion();
  const runId = computeRunId(config, inputs, version);
  const runDir = join(options.runStore.root, runId);
  if (await options.runStore.has(runId)) {
    logger.info({ runId }, 'run exists; nothing rewritten');
    return { runId, runDir, created: false };
  }

  const staging = await options.runStore.createStaging(runId);
  const written: Array<Promise<ArtifactEntry>> = [];
  try {
    const result = simulate({
      symbols: config.symbols,
      bars,
      weights,
      strategy: def,
      params,
      initialCapital: config.capital.initial,
      feeBps: config.fees.feeBps,
      slippageBps: config.fees.slippageBps,
      sizingFraction: config.sizing.fraction,
      allowShort: config.allowShort,
      guardrails: config.guardrails,
    });
    const metrics = computeMetrics(result, { initialCapital: config.capital.initial, timeframe: config.timeframe, guardrails: config.guardrails });
    await verified; // the inputs' sha256, computed on the hash worker while this thread simulated
    // Each artifact is written and fsynced on the thread pool while the next one is encoded;
    // decisions (the largest) is hashed on the hash worker from shared memory, the rest here:
    // both cores hash. The Arrow bytes go to disk as the writer emits them (no joined copy).
    written.push(writeArtifact(staging, ARTIFACT_FILES.decisions, await columnsToIpcChunks(decisionsColumns(result.decisions)), 'worker'));
    written.push(writeArtifact(staging, ARTIFACT_FILES.equity, await columnsToIpcChunks(equityColumns(result.equity)), 'here'));
    written.push(writeArtifact(staging, ARTIFACT_FILES.days, await columnsToIpcChunks(daysColumns(result.days)), 'here'));
    written.push(writeArtifact(staging, ARTIFACT_FILES.trades, await columnsToIpcChunks(tradesColumns(result.trades)), 'here'));
    written.push(writeArtifact(staging, ARTIFACT_FILES.metrics, [Buffer.from(canonicalJsonPretty(metrics), 'utf8')], 'here'));
    const artifacts = (await Promise.all(written)).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const manifest: RunManifest = {
      schemaVersion: 1,
      id: runId,
      config: config as unknown as Record<string, unknown>,
      inputs,
      engineVersion: version,
      packages: packageVersions(),
      artifacts,
    };
    // The staging folder is private until publish, which fsyncs it and renames it into place.
    await writeFile(join(staging, 'manifest.json'), canonicalJsonPretty(manifest));
    await options.runStore.publish(runId, staging);
    logger.info({ runId, trades: metrics.tradeCount, status: metrics.status }, 'run built');
  } catch (err) {
    await Promise.allSettled(written);
    await options.runStore.discard(staging).catch(() => undefined);
    if (await options.runStore.has(runId)) return { runId, runDir, created: false };
    throw err;
  }
  return { runId, runDir, created: true };
}

/**
 * Writes one artifact's chunks into the staging folder and fsyncs it (thread pool), and returns its
 * manifest entry. The sha256 is computed while the bytes go to disk: on the hash worker, which
 * reads the chunks in shared memory, or on this thread between the writes' callbacks.
 */
async function writeArtifact(dir: string, file: string, chunks: Uint8Array[], hashOn: 'here' | 'worker'): Promise<ArtifactEntry> {
  const hashed = hashOn === 'worker' ? sha256ChunksOffThread(chunks) : undefined;
  const stored = storeChunks(join(dir, file), chunks);
  const sha256 = hashed ?? sha256OfChunksYielding(chunks).then(({ sha256: hex }) => hex);
  // Both settle before this does: a failed artifact never leaves a write running into a discarded folder.
  const [hex, bytes] = await Promise.all([sha256, stored]).finally(() => Promise.allSettled([sha256, stored]));
  return { file, sha256: hex, bytes };
}

/** Writes chunks to a new file and fsyncs it, so publish finds the bytes already on disk. */
async function storeChunks(path: string, chunks: Uint8Array[]): Promise<number> {
  const handle = await open(path, 'w');
  try {
    const bytes = await writeChunks(handle, chunks);
    await handle.sync();
    return bytes;
  } finally {
    await handle.close();
  }
}
