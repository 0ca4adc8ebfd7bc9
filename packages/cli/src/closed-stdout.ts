/**
 * Makes a closed stdout harmless: `buff runs list | head -1` closes the pipe after one line, and the
 * next write fails with EPIPE. Without a listener Node throws that as an uncaught error with its
 * stack trace; with this one the command stops writing to stdout and finishes its work (stderr and
 * the exit code are unchanged). Any other stdout error is rethrown.
 * @example guardClosedStdout(); // once, before the command writes
 */
export function guardClosedStdout(stdout: NodeJS.WriteStream = process.stdout): void {
  if (guarded.has(stdout)) return;
  guarded.add(stdout);
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    throw err;
  });
}

const guarded = new WeakSet<NodeJS.WriteStream>();
