import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  canonicalJsonPretty,
  silentLogger,
  type ArtifactEntry,
  type Logger,
  type RunManifest,
  type RunStore,
} from '@buff/core';
import { allocationWeights, type RunConfig, type RunConfigInput } from './run-config.js';
import { type PreparedRun, prepareRun, simulationInputOf } from './prepare-run.js';
import type { ModelResolver } from './strategy.js';
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
  /** Finds models named by the config (the `model-signal` strategy); the CLI binds it to the ModelRegistry. */
  resolveModel?: ModelResolver;
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
export async function buildRun(
  configInput: RunConfig | RunConfigInput,
  options: BuildRunOptions,
): Promise<BuildRunResult> {
  return buildPreparedRun(await prepareRun(configInput, { resolveModel: options.resolveModel }), options);
}

/**
 * {@link buildRun} for a config that {@link prepareRun} already parsed and pinned (the CLI prepares it
 * once, to refuse a bad config before it touches the runs root).
 * @example await buildPreparedRun(await prepareRun(text, { source: 'run.yml' }), { runStore, dataRoot: 'data' });
 */
export async function buildPreparedRun(prepared: PreparedRun, options: BuildRunOptions): Promise<BuildRunResult> {
  const logger = options.logger ?? silentLogger();
  const { config } = prepared;
  allocationWeights(config); // a zero allocation is refused before any input is read
  const { bars, inputs, verified, tsInt64 } = await loadRunInputs(config, options.dataRoot);
  const version = engineVersion();
  const runId = computeRunId(config, inputs, version);
  const runDir = options.runStore.runDir(runId);
  if (await options.runStore.has(runId)) {
    logger.info({ runId }, 'run exists; nothing rewritten');
    return { runId, runDir, created: false };
  }

  const staging = await options.runStore.createStaging(runId);
  const written: Array<Promise<ArtifactEntry>> = [];
  let created: boolean;
  try {
    const result = simulate(simulationInputOf(prepared, bars));
    const metrics = computeMetrics(result, {
      initialCapital: config.capital.initial,
      timeframe: config.timeframe,
      guardrails: config.guardrails,
    });
    await verified; // the inputs' sha256, computed on the hash worker while this thread simulated
    // The store writes and fsyncs each artifact on the thread pool while the next one is encoded,
    // hashing it meanwhile: decisions (the largest, in shared memory) on the hash worker, the rest
    // here. The Arrow bytes go to disk as the writer emits them (no joined copy of a table).
    const write = (file: string, chunks: Uint8Array[]) =>
      written.push(options.runStore.writeArtifact(staging, file, chunks));
    // One stored symbol: decisions and equity carry its ts column itself, so its stored Int64 values serve.
    const storedTs = (ts: Float64Array): BigInt64Array | undefined =>
      bars.length === 1 && ts === bars[0]?.ts ? tsInt64[0] : undefined;
    write(
      ARTIFACT_FILES.decisions,
      await columnsToIpcChunks(decisionsColumns(result.decisions, storedTs(result.decisions.ts))),
    );
    write(ARTIFACT_FILES.equity, await columnsToIpcChunks(equityColumns(result.equity, storedTs(result.equity.ts))));
    write(ARTIFACT_FILES.days, await columnsToIpcChunks(daysColumns(result.days)));
    write(ARTIFACT_FILES.trades, await columnsToIpcChunks(tradesColumns(result.trades)));
    write(ARTIFACT_FILES.metrics, [Buffer.from(canonicalJsonPretty(metrics), 'utf8')]);
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
    // True only for the build that put the run in place and indexed it (a racing twin gets false).
    created = await options.runStore.publish(runId, staging);
    logger.info({ runId, trades: metrics.tradeCount, status: metrics.status, created }, 'run built');
  } catch (err) {
    // No success on a guess: a failed publish (a full disk between the rename and the index, say)
    // is an error even when a folder of this id exists; the next build or `buff index` completes it.
    await Promise.allSettled(written);
    await options.runStore.discard(staging).catch(() => undefined);
    throw err;
  }
  return { runId, runDir, created };
}
