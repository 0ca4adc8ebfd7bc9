import type { FileHandle } from 'node:fs/promises';

/**
 * Writes `chunks` back to back from the start of an open file, every write issued at once on the
 * thread pool (no joined copy of the chunks); resolves with the byte count once all have landed,
 * and only after every write settled when one fails (so the caller may close the handle then).
 * @example const handle = await open(path, 'w'); const bytes = await writeChunks(handle, chunks); await handle.close();
 */
export async function writeChunks(handle: FileHandle, chunks: readonly Uint8Array[]): Promise<number> {
  let position = 0;
  const writes = chunks.map((chunk) => {
    const write = writeAt(handle, chunk, position);
    position += chunk.byteLength;
    return write;
  });
  await Promise.all(writes).finally(() => Promise.allSettled(writes));
  return position;
}

async function writeAt(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset, position + offset);
    offset += bytesWritten;
  }
}
