import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BuffError, withErrorPath } from '@buff/core';

/** What a lock file holds: who took it, and a token that tells one holder from the next. */
export interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
  token: string;
}

export interface FileLockOptions {
  /** How long to wait for the lock before LOCK_TIMEOUT (ms). */
  timeoutMs?: number;
  /** A lock whose file was not touched for this long is stale even if its pid looks alive (ms). */
  staleMs?: number;
}

/** A held lock: release it exactly once. */
export interface HeldLock {
  owner: LockOwner;
  release(): void;
  /** True while the lock file still names this holder. */
  stillHeld(): boolean;
}

const HOST = hostname();

/**
 * Takes the one-writer lock at `path`: the file is created complete (written beside it, then
 * hard-linked into place, which fails if it exists), so a lock file is never half-written.
 * A lock whose owner is dead (same host, `kill(pid, 0)` says ESRCH) or whose heartbeat is older
 * than `staleMs` is broken, under a short-lived breaker lock so two waiters never both break it.
 * @example const lock = await acquireLock('runs/.index/lock'); try { ... } finally { lock.release(); }
 */
export async function acquireLock(path: string, options: FileLockOptions = {}): Promise<HeldLock> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const owner: LockOwner = {
    pid: process.pid,
    hostname: HOST,
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    if (tryCreate(path, owner)) return held(path, owner, staleMs);
    breakIfStale(path, staleMs);
    if (Date.now() > deadline) {
      throw new BuffError(
        'LOCK_TIMEOUT',
        `could not take the writer lock ${path} within ${timeoutMs} ms (held by ${describeOwner(path)})`,
        {
          details: { file: path, rule: 'LOCK_TIMEOUT' },
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 50);
  }
}

function tryCreate(path: string, owner: LockOwner): boolean {
  const temp = join(dirname(path), `.${basename(path)}.${owner.pid}.${owner.token}.tmp`);
  const fd = openSync(temp, 'w');
  try {
    // no fsync: after a crash the lock is stale anyway, and only its complete content matters
    writeSync(fd, JSON.stringify(owner));
  } catch (err) {
    closeSync(fd);
    unlinkSync(temp);
    throw withErrorPath(err, path);
  }
  closeSync(fd);
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

function held(path: string, owner: LockOwner, staleMs: number): HeldLock {
  const beat = setInterval(
    () => {
      try {
        const now = new Date();
        utimesSync(path, now, now);
      } catch {
        // the lock vanished; stillHeld() will say so
      }
    },
    Math.max(50, Math.floor(staleMs / 3)),
  );
  beat.unref();
  let released = false;
  return {
    owner,
    stillHeld: () => readOwner(path)?.token === owner.token,
    release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      if (readOwner(path)?.token === owner.token) rmSync(path, { force: true });
    },
  };
}

/** The owner named in a lock file, or undefined when there is none or it is unreadable. */
export function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

function describeOwner(path: string): string {
  const owner = readOwner(path);
  return owner ? `pid ${owner.pid} on ${owner.hostname} since ${owner.startedAt}` : 'nobody readable';
}

/** True when the lock's owner is gone or its heartbeat is too old. */
export function isStale(path: string, staleMs: number): boolean {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    return false;
  }
  const owner = readOwner(path);
  if (owner && owner.hostname === HOST && !pidAlive(owner.pid)) return true;
  return Date.now() - mtimeMs > staleMs;
}

/** Whether a process with this pid runs on this host (EPERM counts as alive). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function breakIfStale(path: string, staleMs: number): void {
  const staleOwner = readOwner(path);
  if (!isStale(path, staleMs)) return;
  const breaker = `${path}.break`;
  const breakerOwner: LockOwner = {
    pid: process.pid,
    hostname: HOST,
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  if (!tryCreate(breaker, breakerOwner)) {
    // a breaker that died mid-break leaves its file; it is stale like any lock
    if (isStale(breaker, 2_000)) rmSync(breaker, { force: true });
    return;
  }
  try {
    // still the same stale owner? then nobody took the lock since we looked
    if (readOwner(path)?.token === staleOwner?.token && isStale(path, staleMs)) rmSync(path, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
  removeDeadTemps(dirname(path), basename(path));
}

function removeDeadTemps(dir: string, name: string): void {
  for (const entry of readdirSync(dir)) {
    const match = new RegExp(`^\\.${name}(?:\\.break)?\\.(\\d+)\\.[0-9a-f]+\\.tmp$`).exec(entry);
    if (match && !pidAlive(Number(match[1]))) rmSync(join(dir, entry), { force: true });
  }
}
