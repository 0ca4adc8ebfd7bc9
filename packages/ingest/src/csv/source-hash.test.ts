import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKGROUND_HASH_BYTES, createSourceHash } from './source-hash.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'buff-hash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('createSourceHash', () => {
  it('hashes a small file from the chunks it is fed', async () => {
    const path = join(dir, 'small.csv');
    const bytes = Buffer.from('timestamp,open\n1,2\n');
    writeFileSync(path, bytes);
    const hash = createSourceHash(path);
    hash.update(bytes.subarray(0, 5));
    hash.update(bytes.subarray(5));
    expect(await hash.digest()).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('hashes a large file on a worker thread and notices a change meanwhile', async () => {
    const path = join(dir, 'large.csv');
    const bytes = Buffer.alloc(BACKGROUND_HASH_BYTES + 12_345, 7);
    writeFileSync(path, bytes);
    expect(await createSourceHash(path).digest()).toBe(createHash('sha256').update(bytes).digest('hex'));
    const changing = createSourceHash(path);
    writeFileSync(path, Buffer.alloc(100, 1));
    await expect(changing.digest()).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
