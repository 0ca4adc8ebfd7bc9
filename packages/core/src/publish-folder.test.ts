import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishFolder } from './publish-folder.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'buff-publish-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A staging folder with a nested file, as the registries and the trainer write them. */
function staged(tag: string): string {
  const dir = join(root, '.staging', tag);
  mkdirSync(join(dir, 'reports'), { recursive: true });
  writeFileSync(join(dir, 'card.json'), JSON.stringify({ tag }));
  writeFileSync(join(dir, 'reports', 'curve.svg'), `<svg>${tag}</svg>`);
  return dir;
}

const read = (dir: string): string => readFileSync(join(dir, 'card.json'), 'utf8');

describe('publishFolder', () => {
  it('moves the whole tree into place, creating the parent, and leaves no staging folder', async () => {
    const target = join(root, 'models', 'lstm', 'a1');
    expect(await publishFolder(staged('a'), target)).toBe(true);
    expect(read(target)).toBe('{"tag":"a"}');
    expect(readFileSync(join(target, 'reports', 'curve.svg'), 'utf8')).toBe('<svg>a</svg>');
    expect(readdirSync(join(root, '.staging'))).toEqual([]);
  });

  it('keeps an existing target by default (false, staging removed) and replaces a leftover when asked', async () => {
    const target = join(root, 'runs', 'run-1');
    await publishFolder(staged('first'), target);
    expect(await publishFolder(staged('second'), target)).toBe(false);
    expect(read(target)).toBe('{"tag":"first"}');
    expect(await publishFolder(staged('third'), target, { existing: 'replace' })).toBe(true);
    expect(read(target)).toBe('{"tag":"third"}');
    expect(readdirSync(join(root, '.staging'))).toEqual([]);
  });

  it('publishes nothing when the check fails, and leaves the staging folder to its owner', async () => {
    const staging = staged('bad');
    const target = join(root, 'runs', 'run-2');
    const check = async (): Promise<void> => {
      throw new Error('sha256 mismatch');
    };
    await expect(publishFolder(staging, target, { check })).rejects.toThrow('sha256 mismatch');
    expect(existsSync(target)).toBe(false);
    expect(read(staging)).toBe('{"tag":"bad"}');
  });

  it('syncs every file of the tree before the rename: one it cannot open fails the publish', async () => {
    const staging = staged('dangling');
    symlinkSync(join(root, 'nowhere'), join(staging, 'reports', 'gone.json'));
    const target = join(root, 'runs', 'run-3');
    await expect(publishFolder(staging, target)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(target)).toBe(false);
  });

  it('runs whileRenameSyncs after the rename and waits for it', async () => {
    const target = join(root, 'runs', 'run-4');
    let seen: string | undefined;
    const index = async (): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen = read(target);
    };
    expect(await publishFolder(staged('d'), target, { whileRenameSyncs: index })).toBe(true);
    expect(seen).toBe('{"tag":"d"}');
    await expect(
      publishFolder(staged('e'), join(root, 'runs', 'run-5'), {
        whileRenameSyncs: async () => {
          throw new Error('index full');
        },
      }),
    ).rejects.toThrow('index full');
  });
});
