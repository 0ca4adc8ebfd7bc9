import { createHash } from 'node:crypto';

/** A request to the hash worker: a file by path, by a descriptor the caller keeps open, or bytes in memory. */
export interface HashRequest {
  id: number;
  path?: string;
  fd?: number;
  /** Hashed in order; views of a SharedArrayBuffer reach the worker without a copy. */
  chunks?: Uint8Array[];
}

/** The worker's answer: the sha256 as hex, or why it could not read. */
export type HashReply = { id: number; sha256: string } | { id: number; error: string };

/** sha256 (hex) of chunks in order: the worker's and the calling thread's way alike. */
export function sha256OfChunks(chunks: readonly Uint8Array[]): string {
  return chunks.reduce((hash, chunk) => hash.update(chunk), createHash('sha256')).digest('hex');
}
