import { BuffError } from './errors.js';

/** errno codes that mean the filesystem refused, and what to tell the user about each. */
const IO_REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only filesystem',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EFBIG: 'file too large',
  ENAMETOOLONG: 'path too long',
  ELOOP: 'too many symbolic links',
  EBUSY: 'resource busy',
  ENXIO: 'no such device',
};

/**
 * A filesystem error (Node's errno error: ENOSPC, EIO, EACCES, ...) as a BuffError: NO_SPACE for a
 * full disk or quota, IO_ERROR for the rest, the path in the message and in `details.file`.
 * Returns undefined for anything else (including ENOENT, which callers word themselves).
 * @example
 * try { writeFileSync(path, text); } catch (err) { throw ioErrorOf(err) ?? err; }
 */
export function ioErrorOf(err: unknown): BuffError | undefined {
  if (err instanceof BuffError || !(err instanceof Error)) return undefined;
  const errno = err as NodeJS.ErrnoException & { dest?: string };
  const reason = errno.code === undefined ? undefined : IO_REASONS[errno.code];
  if (reason === undefined) return undefined;
  const code = errno.code === 'ENOSPC' || errno.code === 'EDQUOT' ? 'NO_SPACE' : 'IO_ERROR';
  const path = errno.path ?? errno.dest;
  const where = path === undefined ? '' : ` at ${path}`;
  const action = errno.syscall === undefined ? '' : ` (${errno.syscall})`;
  return new BuffError(code, `${reason}${where}${action}`, {
    cause: err,
    details: { ...(path === undefined ? {} : { file: path }), errno: errno.code, rule: code },
  });
}

/**
 * Gives a path-less filesystem error (a write or fsync on a descriptor reports none) the path
 * it was about, so that {@link ioErrorOf} can name it; returns `err` for rethrowing.
 * @example try { writeSync(fd, bytes); } catch (err) { throw withErrorPath(err, path); }
 */
export function withErrorPath(err: unknown, path: string): unknown {
  if (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string') {
    const errno = err as NodeJS.ErrnoException;
    if (errno.path === undefined) errno.path = path;
  }
  return err;
}
