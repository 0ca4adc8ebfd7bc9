// The hash worker's entry (its own build entry, dist/hash-worker.js): sha256 of files, read by path
// or from a file descriptor the main thread holds open (workers share the process's descriptors),
// or of bytes in shared memory, so large files are hashed on the second core. Imports nothing but
// node built-ins.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { sha256OfChunks, type HashReply, type HashRequest } from './hash-job.js';

const CHUNK = 4 * 2 ** 20;
const buffer = Buffer.allocUnsafe(CHUNK);

function hashDescriptor(fd: number): string {
  const hash = createHash('sha256');
  for (let position = 0; ; ) {
    const read = readSync(fd, buffer, 0, CHUNK, position);
    if (read <= 0) break;
    hash.update(buffer.subarray(0, read));
    position += read;
  }
  return hash.digest('hex');
}

function answer(request: HashRequest): HashReply {
  try {
    if (request.chunks !== undefined) return { id: request.id, sha256: sha256OfChunks(request.chunks) };
    if (request.fd !== undefined) return { id: request.id, sha256: hashDescriptor(request.fd) };
    const fd = openSync(request.path as string, 'r');
    try {
      return { id: request.id, sha256: hashDescriptor(fd) };
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    return { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
}

parentPort?.on('message', (request: HashRequest) => parentPort?.postMessage(answer(request)));
