/**
 * `@buff/core/io`: the speed machinery behind the public entry (DESIGN.md): the hash worker
 * (sha256 of files and of bytes in shared memory off the main thread, and the adoption of a
 * finished parse worker as that worker), shared-memory typed arrays, and the start of a worker
 * module that sits next to its caller. Plain users need none of it: `writeArtifactFile`,
 * `readBarsVerifiedLater` and the CSV reader use it for them.
 */
export { sha256FileOffThread, sha256ChunksOffThread, adoptHashWorker, hashWorkerIdle } from './hash-off-thread.js';
export { answerHashRequest } from './hash-job.js';
export type { HashRequest, HashReply } from './hash-job.js';
export { sharedArray } from './shared-array.js';
export { startSiblingWorker } from './sibling-worker.js';
