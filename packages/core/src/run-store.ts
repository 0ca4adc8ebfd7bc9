import type { ArtifactEntry } from './schemas/run-manifest.js';

/**
 * Where the run builder puts a run. The registry implements it: it hands out a staging
 * folder, publishes it atomically under the run id and indexes it. The engine never imports
 * the registry; callers pass a RunStore in.
 */
export interface RunStore {
  /** The authoritative runs root. */
  readonly root: string;
  /** The folder a run with this id is published to (the store decides the layout). */
  runDir(runId: string): string;
  /** True when a run with this id is already published (building it again is a no-op). */
  has(runId: string): Promise<boolean>;
  /** A fresh, empty staging folder for the run's artifacts. */
  createStaging(runId: string): Promise<string>;
  /**
   * Writes one artifact (its bytes in order) into a staging folder durably and returns its manifest
   * entry (sha256 and size). Publish need not hash again a file the store wrote this way and that
   * is unchanged since (same inode, size and mtime); every other listed file it hashes.
   */
  writeArtifact(stagingDir: string, file: string, chunks: readonly Uint8Array[]): Promise<ArtifactEntry>;
  /**
   * Atomically moves a complete staging folder into place under `runId` and indexes it. Resolves
   * true when this call published the run, false when it was published already (the staging
   * folder is then discarded); rejects when the run is not both in place and indexed.
   */
  publish(runId: string, stagingDir: string): Promise<boolean>;
  /** Removes a staging folder that will not be published. */
  discard(stagingDir: string): Promise<void>;
}
