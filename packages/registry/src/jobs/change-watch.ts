import { type FSWatcher, mkdirSync, watch } from 'node:fs';

/**
 * Wakes the fs job queue's waiters when its journal or snapshot changes (a job submitted, claimed
 * or settled by any process), instead of their sleeping a whole poll interval: a worker picks up a
 * new job and a waiting `buff sweep` sees the last job done within milliseconds. One `fs.watch` of
 * the index folder per queue, started on the first wait and never keeping the process alive; a
 * change seen while nobody waited makes the next wait return at once (no lost wake-up). Where
 * watching is unavailable (or fails) every wait simply lasts its timeout: the poll it replaces.
 * @example const watch = new ChangeWatch('runs/.buff/jobs/.index'); await watch.wait(500);
 */
export class ChangeWatch {
  private watcher: FSWatcher | undefined;
  private failed = false;
  private changed = false;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly dir: string) {}

  /** Resolves on the next change (at once if one came since the last wait) or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    this.start();
    if (this.changed) {
      this.changed = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        this.changed = false;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.failed = true;
    for (const done of [...this.waiters]) done();
  }

  private start(): void {
    if (this.watcher || this.failed) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      this.watcher = watch(this.dir, { persistent: false }, (_event, name) => {
        // the lock file comes and goes around every write; the write itself shows in the journal
        if (name && !name.startsWith('journal') && !name.startsWith('snapshot')) return;
        this.changed = true;
        for (const done of [...this.waiters]) done();
      });
      this.watcher.on('error', () => this.close());
    } catch {
      this.failed = true;
    }
  }
}
