import { statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { answerHashRequest, type HashReply, type HashRequest } from './hash-job.js';
import { startSiblingWorker } from './sibling-worker.js';

/**
 * sha256 of whole files on a worker thread, so the main thread keeps working (a run builder
 * simulates while its inputs are verified; publish hashes one artifact here and one there).
 * One worker per process, started on first use (or adopted: a CSV parse worker stays on as the
 * hash worker) and unref'd (it never keeps the process alive); files under OFF_THREAD_MIN_BYTES
 * are hashed on the calling thread.
 * When the worker cannot start, the file is hashed on this thread and a warning says so.
 */
let worker: Worker | undefined;
let failed = false;
let nextId = 1;
const pending = new Map<
  number,
  { resolve: (hex: string) => void; reject: (err: Error) => void; request: HashRequest }
>();

/**
 * sha256 (hex) of the file at `path`, read and hashed on the hash worker.
 * @example const hex = await sha256FileOffThread('runs/run-0123456789abcdef/decisions.arrow');
 */
export function sha256FileOffThread(path: string): Promise<string> {
  return send({ id: nextId++, path });
}

/**
 * sha256 (hex) of `chunks` in order, hashed on the hash worker. Views of a SharedArrayBuffer are
 * shared with the worker; other chunks are copied to it (small ones cost nothing; a large one
 * costs a copy, so allocate big columns in shared memory). Do not change the bytes until it settles.
 * @example const hex = await sha256ChunksOffThread(await columnsToIpcChunks(columns));
 */
export function sha256ChunksOffThread(chunks: readonly Uint8Array[]): Promise<string> {
  const shareable = chunks.map((chunk) =>
    chunk.buffer instanceof SharedArrayBuffer || chunk.byteLength === chunk.buffer.byteLength ? chunk : chunk.slice(),
  );
  return send({ id: nextId++, chunks: shareable });
}

/** Whether a hash worker is running with no job in hand (a caller may then hash there without waiting for a start-up). */
export function hashWorkerIdle(): boolean {
  return worker !== undefined && pending.size === 0;
}

/**
 * Makes `thread` this process's hash worker when there is none yet (it must answer HashRequest
 * messages with answerHashRequest). Returns false, leaving `thread` to the caller, otherwise.
 * @example if (!adoptHashWorker(parseWorker)) void parseWorker.terminate();
 */
export function adoptHashWorker(thread: Worker): boolean {
  if (worker !== undefined || failed) return false;
  attach(thread);
  return true;
}

/** Smaller files are hashed on the calling thread: the worker's start and a message cost more. */
export const OFF_THREAD_MIN_BYTES = 4 * 2 ** 20;

function send(request: HashRequest): Promise<string> {
  if (sizeOf(request) < OFF_THREAD_MIN_BYTES) return Promise.resolve().then(() => hashHere(request));
  const thread = failed ? undefined : (worker ?? start());
  if (thread === undefined) return Promise.resolve().then(() => hashHere(request));
  return new Promise((resolve, reject) => {
    pending.set(request.id, { resolve, reject, request });
    if (pending.size === 1) thread.ref();
    thread.postMessage(request);
  });
}

function start(): Worker | undefined {
  try {
    return attach(startSiblingWorker(import.meta.url, 'hash-worker'));
  } catch (err) {
    fallBack(err);
    return undefined;
  }
}

function attach(thread: Worker): Worker {
  thread.unref();
  thread.on('message', (reply: HashReply) => {
    const job = pending.get(reply.id);
    if (job === undefined) return;
    pending.delete(reply.id);
    if (pending.size === 0) thread.unref();
    if ('sha256' in reply) job.resolve(reply.sha256);
    else job.reject(hashError(job.request, reply.error));
  });
  thread.on('error', (err) => fallBack(err));
  thread.on('exit', (code) => fallBack(new Error(`the hash worker exited (code ${code})`)));
  worker = thread;
  return thread;
}

/** The worker is gone: warn once, then hash what it was asked here. */
function fallBack(err: unknown): void {
  if (failed) return;
  failed = true;
  worker = undefined;
  process.emitWarning(`the hash worker did not run (${String(err).split('\n')[0]}); hashing on the main thread`, {
    code: 'BUFF_HASH_WORKER',
  });
  const jobs = [...pending.values()];
  pending.clear();
  for (const job of jobs) {
    try {
      job.resolve(hashHere(job.request));
    } catch (error) {
      job.reject(error as Error);
    }
  }
}

/** The file's (or the chunks') size, or Infinity when it cannot be read (the worker then reports why). */
function sizeOf(request: HashRequest): number {
  if (request.chunks !== undefined) return request.chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  try {
    return statSync(request.path as string).size;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function hashHere(request: HashRequest): string {
  const reply = answerHashRequest(request);
  if ('error' in reply) throw hashError(request, reply.error);
  return reply.sha256;
}

function hashError(request: HashRequest, message: string): Error {
  return new Error(`cannot hash ${request.path ?? 'bytes in memory'}: ${message}`);
}
