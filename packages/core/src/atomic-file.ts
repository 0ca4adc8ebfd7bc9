import { withErrorPath } from './io-error.js';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A temp path beside `path` (same folder, so the rename is atomic), unique per call. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** fsync a folder so that a rename inside it is durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Appends bytes or UTF-8 text to the file being written by `writeFileAtomicWith`. */
export type AtomicWrite = (data: string | Uint8Array) => void;

/**
 * Writes a file atomically from pieces: `fill` calls `write` as often as it likes (no need to
 * hold the whole file in one string), then the temp file is fsynced and renamed into place and
 * the folder fsynced. Readers see the old file or the new one, never a part; on any error the
 * temp file is removed and the old file stays.
 * @example writeFileAtomicWith('runs/.index/snapshot.json', (write) => { write('{"a":'); write('1}'); });
 */
export function writeFileAtomicWith(path: string, fill: (write: AtomicWrite) => void): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    const fd = openSync(temp, 'w');
    try {
      fill((data) => {
        const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        let offset = 0;
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      });
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    fsyncDir(dirname(path));
  } catch (err) {
    rmSync(temp, { force: true });
    throw withErrorPath(err, path);
  }
}

/**
 * Writes a file atomically: temp file in the same folder, fsync, rename, fsync of the folder.
 * Readers see the old file or the new one, never a part.
 * @example writeFileAtomic('data/BTC-USD/dataset.json', json)
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeFileAtomicWith(path, (write) => write(data));
}

/** A temp file of {@link tempPathFor}: `.<name>.<pid>.<8 hex>.tmp`. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;
const STALE_TEMP_MS = 24 * 3_600_000;

/**
 * Removes the temp files that killed writers left in `dir` (a write's temp file whose owner pid is
 * dead, or older than a day); a live writer's temp file stays. Returns the names removed.
 * @example sweepStaleTemps('data/BTC-USD') // ['.1m.arrow.4242.0a1b2c3d.tmp']
 */
export function sweepStaleTemps(dir: string, now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    try {
      const pid = Number(match[1]);
      if (pid !== process.pid && (!processAlive(pid) || now - statSync(path).mtimeMs > STALE_TEMP_MS)) {
        rmSync(path, { force: true });
        removed.push(name);
      }
    } catch {
      // gone meanwhile, or not ours to remove: leave it
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
