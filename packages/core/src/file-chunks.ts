import { createHash } from 'node:crypto';
import { write } from 'node:fs';
import { promisify } from 'node:util';

const writeAsync = promisify(write);

/**
 * Writes `chunks` back to back from the start of the open file `fd`, every write issued at once on
 * the thread pool (no joined copy of the chunks, and they start before this call returns); resolves
 * with the byte count once all have landed, and only after every write settled when one fails (so
 * the caller may close the file then).
 * @example const fd = openSync(path, 'w'); const bytes = await writeChunks(fd, chunks); closeSync(fd);
 */
export async function writeChunks(fd: number, chunks: readonly Uint8Array[]): Promise<number> {
  let position = 0;
  const writes = chunks.map((chunk) => {
    const written = writeAt(fd, chunk, position);
    position += chunk.byteLength;
    return written;
  });
  await Promise.all(writes).finally(() => Promise.allSettled(writes));
  return position;
}

async function writeAt(fd: number, bytes: Uint8Array, position: number): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength; ) {
    const { bytesWritten } = await writeAsync(fd, bytes, offset, bytes.byteLength - offset, position + offset);
    offset += bytesWritten;
  }
}

/**
 * sha256 (hex) of `chunks`, hashed on this thread with a turn of the event loop after every chunk
 * of 1 MiB or more: writes queued on the thread pool call back meanwhile, so the next writes (or an
 * fsync) start while the rest is hashed.
 * @example const [sha256, bytes] = await Promise.all([sha256OfChunksYielding(chunks), writeChunks(fd, chunks)]);
 */
export async function sha256OfChunksYielding(chunks: readonly Uint8Array[]): Promise<string> {
  const hash = createHash('sha256');
  for (const chunk of chunks) {
    hash.update(chunk);
    if (chunk.byteLength >= 2 ** 20) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return hash.digest('hex');
}
