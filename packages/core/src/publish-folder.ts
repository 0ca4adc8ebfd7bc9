import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** How `publishFolder` treats a target that exists already. */
export interface PublishFolderOptions {
  /**
   * `keep` (default): the existing folder stays (content-addressed targets hold the same content by construction),
   * the staging folder is removed and `publishFolder` returns false. `replace`: the existing folder is a leftover
   * (for example a copy left by a crash before its record was written) and is removed first.
   */
  existing?: 'keep' | 'replace';
  /** Work that must succeed before the rename (checking the staged files), run while the tree is fsynced. */
  check?: () => Promise<void>;
  /** Work done while the rename is made durable (indexing the new folder); publishFolder returns when both are. */
  whileRenameSyncs?: () => Promise<void>;
}

/**
 * Publishes a complete staging folder at `target` in one atomic step: every file and folder under it is fsynced,
 * it is renamed into place (same filesystem), and the parent folder is fsynced so the rename is durable. Readers see
 * no folder or the whole one, and a crash leaves the same. Returns false when `target` existed already and was kept
 * (also when another process published it first); the staging folder is then removed. On an error the staging
 * folder is left to the caller, who owns it.
 * @example
 * const staging = join(root, '.staging', 'model-1');
 * writeFileSync(join(staging, 'model-card.json'), card);
 * const created = await publishFolder(staging, join(root, 'lstm', modelId));
 */
export async function publishFolder(
  staging: string,
  target: string,
  options: PublishFolderOptions = {},
): Promise<boolean> {
  const replace = options.existing === 'replace';
  if (!replace && existsSync(target)) return keptExisting(staging);
  const [checked, synced] = await Promise.allSettled([options.check?.(), syncTree(staging)]);
  if (checked.status === 'rejected') throw checked.reason;
  if (synced.status === 'rejected') throw synced.reason;
  if (replace) rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  try {
    renameSync(staging, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    return keptExisting(staging); // published by another process in between
  }
  const [renameDurable, sideWork] = await Promise.allSettled([syncPath(dirname(target)), options.whileRenameSyncs?.()]);
  if (renameDurable.status === 'rejected') throw renameDurable.reason;
  if (sideWork.status === 'rejected') throw sideWork.reason;
  return true;
}

function keptExisting(staging: string): false {
  rmSync(staging, { recursive: true, force: true });
  return false;
}

/**
 * Makes every file's data (fdatasync: contents and size) and every folder under `dir` durable, all at once on the
 * thread pool, so the filesystem can commit them together instead of one journal commit per file.
 * @example await syncTree(staging); renameSync(staging, target);
 */
export async function syncTree(dir: string): Promise<void> {
  const files: string[] = [];
  const dirs: string[] = [];
  collectTree(dir, files, dirs);
  const results = await Promise.allSettled([
    ...files.map((path) => syncPath(path, true)),
    ...dirs.map((path) => syncPath(path, false)),
  ]);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}

function collectTree(dir: string, files: string[], dirs: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collectTree(path, files, dirs);
    else files.push(path);
  }
  dirs.push(dir);
}

/**
 * fsync (or fdatasync, for a file's data only) of one path, off the main thread.
 * @example await syncPath('runs'); // a rename inside runs/ is now durable
 */
export async function syncPath(path: string, dataOnly = false): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await (dataOnly ? handle.datasync() : handle.sync());
  } finally {
    await handle.close();
  }
}
