import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { BuffError } from '@buff/core';

/** A sha256 of a source file, taken while the file is parsed. */
export interface SourceHash {
  /** Feeds bytes as the parser reads them (ignored when a worker reads the file itself). */
  update(bytes: Uint8Array): void;
  digest(): Promise<string>;
  /** Stops any background work (after a failed read). */
  abort(): void;
}

/** Files at least this large are hashed on a worker thread, in parallel with parsing. */
export const BACKGROUND_HASH_BYTES = 16 * 2 ** 20;

// CommonJS source of the hashing worker: reads the file in 4 MiB pieces and posts the digest.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const hash = require('node:crypto').createHash('sha256');
const fd = openSync(workerData.path, 'r');
const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
let read;
while ((read = readSync(fd, buf, 0, buf.length, null)) > 0) hash.update(buf.subarray(0, read));
closeSync(fd);
parentPort.postMessage(hash.digest('hex'));
`;

/**
 * The sha256 of a file's bytes. Small files are hashed on the calling thread from the chunks the
 * parser reads; a large file is hashed by a worker thread reading it on its own (the second core
 * works while the parser does), and the file's size and mtime must not change meanwhile.
 * @example const hash = createSourceHash('big.csv'); ... await hash.digest();
 */
export function createSourceHash(path: string): SourceHash {
  const before = statSync(path);
  if (before.size < BACKGROUND_HASH_BYTES) {
    const hash = createHash('sha256');
    return { update: (bytes) => hash.update(bytes), digest: async () => hash.digest('hex'), abort: () => undefined };
  }
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path } });
  const result = new Promise<string>((resolve, reject) => {
    worker.once('message', (hex: string) => resolve(hex));
    worker.once('error', reject);
  });
  result.catch(() => undefined); // handled in digest(); an aborted hash is never awaited
  return {
    update: () => undefined,
    async digest() {
      const hex = await result;
      const after = statSync(path);
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
        throw new BuffError('INVALID_INPUT', `${path} changed while it was read; ingest it again`, {
          details: { file: path },
        });
      }
      return hex;
    },
    abort() {
      void worker.terminate();
    },
  };
}
