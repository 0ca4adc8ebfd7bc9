// The hash worker's entry (its own build entry, dist/hash-worker.js): sha256 of files read by path,
// or of bytes in shared memory, so large files are hashed on the second core. Imports nothing but
// node built-ins.
import { parentPort } from 'node:worker_threads';
import { answerHashRequest, type HashRequest } from './hash-job.js';

parentPort?.on('message', (request: HashRequest) => parentPort?.postMessage(answerHashRequest(request)));
