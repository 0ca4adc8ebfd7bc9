import { withErrorPath } from './io-error.js';
import { closeSync, fsync, openSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { sha256OfChunksYielding, writeChunks } from './file-chunks.js';
import { hashWorkerIdle, OFF_THREAD_MIN_BYTES, sha256ChunksOffThread } from './hash-off-thread.js';
import type { ArtifactEntry } from './schemas/run-manifest.js';

const fsyncAsync = promisify(fsync);

/** Which file a path named when it was checked: inode, size and modification time (ns). */
export interface FileIdentity {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

/** An artifact written by {@link writeArtifactFile}: its manifest entry and the file's identity after the fsync. */
export interface WrittenArtifact {
  entry: ArtifactEntry;
  identity: FileIdentity;
}

/**
 * Writes an artifact's bytes (`chunks`, in order) to `<dir>/<file>` and fsyncs it, on the thread
 * pool, while their sha256 is computed: on the hash worker when they are large and it is running
 * and free (views of a SharedArrayBuffer reach it without a copy), else on this thread between
 * the writes' callbacks (no worker is started for it). Both settle before this does, so a failure never leaves a write running.
 * @example const { entry } = await writeArtifactFile(staging, 'equity.arrow', await columnsToIpcChunks(columns));
 */
export async function writeArtifactFile(
  dir: string,
  file: string,
  chunks: readonly Uint8Array[],
): Promise<WrittenArtifact> {
  const path = join(dir, file);
  const size = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const hashed = size >= OFF_THREAD_MIN_BYTES && hashWorkerIdle() ? sha256ChunksOffThread(chunks) : undefined;
  const stored = storeChunks(path, chunks);
  const sha256 = hashed ?? sha256OfChunksYielding(chunks);
  const [hex, bytes] = await Promise.all([sha256, stored]).finally(() => Promise.allSettled([sha256, stored]));
  return { entry: { file, sha256: hex, bytes }, identity: fileIdentity(path) };
}

/**
 * The identity of the file at `path` now.
 * @example sameFile(fileIdentity(path), written.identity) // false once the file was rewritten
 */
export function fileIdentity(path: string): FileIdentity {
  const stat = statSync(path, { bigint: true });
  return { ino: stat.ino, size: stat.size, mtimeNs: stat.mtimeNs };
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** Writes chunks to a new file and fsyncs it; the writes are queued before this returns (no open round trip). */
async function storeChunks(path: string, chunks: readonly Uint8Array[]): Promise<number> {
  const fd = openSync(path, 'w');
  try {
    const bytes = await writeChunks(fd, chunks);
    await fsyncAsync(fd);
    return bytes;
  } catch (err) {
    throw withErrorPath(err, path);
  } finally {
    closeSync(fd);
  }
}
