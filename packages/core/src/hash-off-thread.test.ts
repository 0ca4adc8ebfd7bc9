import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from './content-id.js';
import { sha256ChunksOffThread, sha256FileOffThread } from './hash-off-thread.js';

const root = mkdtempSync(join(tmpdir(), 'buff-hash-worker-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** 9 MiB of varied bytes: more than two of the worker's 4 MiB reads. */
function sample(seed: number): Buffer {
  const bytes = Buffer.alloc(9 * 2 ** 20 + 123);
  for (let i = 0, x = seed; i < bytes.length; i++) bytes[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
  return bytes;
}

describe('sha256 on the hash worker', () => {
  it('hashes files by path, several at once, exactly as sha256Hex does', async () => {
    const files = [1, 2, 3].map((seed) => ({ path: join(root, `f${seed}.bin`), bytes: sample(seed) }));
    for (const { path, bytes } of files) writeFileSync(path, bytes);
    const hashes = await Promise.all(files.map(({ path }) => sha256FileOffThread(path)));
    expect(hashes).toEqual(files.map(({ bytes }) => sha256Hex(bytes)));
    const empty = join(root, 'empty.bin');
    writeFileSync(empty, '');
    expect(await sha256FileOffThread(empty)).toBe(sha256Hex(new Uint8Array(0)));
  });

  it('hashes chunks in memory in order: shared ones, copied ones, and small views of a large buffer', async () => {
    const bytes = sample(5);
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
    shared.set(bytes);
    const cut = 5 * 2 ** 20 + 7;
    const whole = new Uint8Array(bytes); // its own buffer
    const chunks = [
      whole.subarray(0, 10),
      shared.subarray(10, cut),
      whole.subarray(cut, cut + 3),
      shared.subarray(cut + 3),
    ];
    expect(await sha256ChunksOffThread(chunks)).toBe(sha256Hex(bytes));
    expect(whole.byteLength, 'the caller keeps its bytes').toBe(bytes.length);
    expect(await sha256ChunksOffThread([shared.subarray(0, 100)])).toBe(sha256Hex(bytes.subarray(0, 100))); // small: here
  });

  it('rejects, naming the file, when it cannot be read', async () => {
    await expect(sha256FileOffThread(join(root, 'missing.bin'))).rejects.toThrow(/missing\.bin/);
  });
});
