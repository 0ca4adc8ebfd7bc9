import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

/** A request to the hash worker: a file by path, or bytes in memory. */
export interface HashRequest {
  id: number;
  path?: string;
  /** Hashed in order; views of a SharedArrayBuffer reach the worker without a copy. */
  chunks?: Uint8Array[];
}

/** The worker's answer: the sha256 as hex, or why it could not read. */
export type HashReply = { id: number; sha256: string } | { id: number; error: string };

/** sha256 (hex) of chunks in order: the worker's and the calling thread's way alike. */
export function sha256OfChunks(chunks: readonly Uint8Array[]): string {
  return chunks.reduce((hash, chunk) => hash.update(chunk), createHash('sha256')).digest('hex');
}

const READ_BYTES = 4 * 2 ** 20;
let readBuffer: Buffer | undefined;

/**
 * Answers a hash request on the calling thread (the hash worker's loop, and the fallback when it
 * cannot run): reads a file in 4 MiB pieces into one reused buffer. Never throws.
 * @example parentPort.on('message', (request) => parentPort.postMessage(answerHashRequest(request)));
 */
export function answerHashRequest(request: HashRequest): HashReply {
  try {
    if (request.chunks !== undefined) return { id: request.id, sha256: sha256OfChunks(request.chunks) };
    const fd = openSync(request.path as string, 'r');
    try {
      return { id: request.id, sha256: hashFile(fd) };
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    return { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
}

function hashFile(fd: number): string {
  readBuffer ??= Buffer.allocUnsafe(READ_BYTES);
  const hash = createHash('sha256');
  for (let position = 0; ; ) {
    const read = readSync(fd, readBuffer, 0, READ_BYTES, position);
    if (read <= 0) break;
    hash.update(readBuffer.subarray(0, read));
    position += read;
  }
  return hash.digest('hex');
}
