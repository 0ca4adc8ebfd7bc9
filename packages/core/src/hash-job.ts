/** A request to the hash worker: a file by path, or by a descriptor the caller keeps open. */
export interface HashRequest {
  id: number;
  path?: string;
  fd?: number;
}

/** The worker's answer: the sha256 as hex, or why it could not read. */
export type HashReply = { id: number; sha256: string } | { id: number; error: string };
