import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-file.js';

describe('writeFileAtomic', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('writes the whole file, creating folders, and leaves no temp file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'buff-atomic-'));
    dirs.push(dir);
    const path = join(dir, 'a', 'b.json');
    writeFileAtomic(path, '{"x":1}');
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(readdirSync(join(dir, 'a'))).toEqual(['b.json']);
  });

  it('leaves nothing when the target cannot be written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'buff-atomic-'));
    dirs.push(dir);
    writeFileAtomic(join(dir, 'file'), 'x');
    // A path under a regular file cannot be created.
    expect(() => writeFileAtomic(join(dir, 'file', 'child.json'), 'y')).toThrow();
    expect(readdirSync(dir)).toEqual(['file']);
  });
});
