import { AsyncLocalStorage } from 'node:async_hooks';
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { BuffError, writeFileAtomic } from '@buff/core';
import { acquireLock, type HeldLock } from './file-lock.js';
import { appendLinesDurably as appendDurably, decodeLines, encodeLine } from './journal.js';
import { readSnapshot, writeSnapshot } from './snapshot-file.js';
import { queryRecords } from './query-records.js';
import {
  ListQuerySchema,
  type AuditEntry,
  type AuditInput,
  type DriverProblem,
  type JsonRecord,
  type ListQueryInput,
  type StorageDriver,
} from './storage-driver.js';

export interface FsDriverOptions {
  /** The registry root; the index lives in `<root>/.index/`. */
  root: string;
  /** Journal lines after which a writer compacts into a new snapshot. */
  compactAfter?: number;
  lockTimeoutMs?: number;
  lockStaleMs?: number;
}

type JournalOp =
  | { op: 'put'; c: string; id: string; r: JsonRecord }
  | { op: 'del'; c: string; id: string }
  | { op: 'clear'; c: string };

/**
 * The default driver: an in-memory index loaded from `.index/snapshot.json` plus the
 * checksummed `.index/journal.jsonl`, brought up to date from the journal's tail before every
 * call. Writers hold `.index/lock`; readers never take it. See README.md "fs driver".
 * @example const driver = openFsDriver({ root: 'runs' });
 */
export function openFsDriver(options: FsDriverOptions): StorageDriver {
  return new FsDriver(options);
}

class FsDriver implements StorageDriver {
  readonly kind = 'fs' as const;
  private readonly dir: string;
  private readonly snapshotPath: string;
  private readonly journalPath: string;
  private readonly auditPath: string;
  private readonly lockPath: string;
  private state = new Map<string, Map<string, JsonRecord>>();
  private snapshotStamp = '';
  private journalIno = -1;
  private offset = 0;
  private linesSinceSnapshot = 0;
  private readonly found = new Map<string, DriverProblem>();
  private opened = false;
  private readonly inLock = new AsyncLocalStorage<HeldLock>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: FsDriverOptions) {
    this.dir = join(options.root, '.index');
    this.snapshotPath = join(this.dir, 'snapshot.json');
    this.journalPath = join(this.dir, 'journal.jsonl');
    this.auditPath = join(this.dir, 'audit.jsonl');
    this.lockPath = join(this.dir, 'lock');
    this.refresh();
    this.opened = true;
  }

  async get(collection: string, id: string): Promise<JsonRecord | undefined> {
    this.refresh();
    return this.state.get(collection)?.get(id);
  }

  async list(collection: string, query: ListQueryInput): Promise<{ items: JsonRecord[]; total: number }> {
    this.refresh();
    return queryRecords(this.state.get(collection) ?? new Map(), ListQuerySchema.parse(query));
  }

  async ids(collection: string): Promise<string[]> {
    this.refresh();
    return [...(this.state.get(collection)?.keys() ?? [])].sort();
  }

  insert(collection: string, id: string, record: JsonRecord): Promise<boolean> {
    return this.exclusive(async () => {
      if (this.state.get(collection)?.has(id)) return false;
      this.append([{ op: 'put', c: collection, id, r: record }]);
      return true;
    });
  }

  putMany(collection: string, entries: Array<{ id: string; record: JsonRecord }>): Promise<void> {
    return this.exclusive(async () => {
      this.append(entries.map(({ id, record }) => ({ op: 'put', c: collection, id, r: record })));
    });
  }

  remove(collection: string, id: string): Promise<boolean> {
    return this.exclusive(async () => {
      if (!this.state.get(collection)?.has(id)) return false;
      this.append([{ op: 'del', c: collection, id }]);
      return true;
    });
  }

  replaceAll(collection: string, entries: Array<{ id: string; record: JsonRecord }>): Promise<void> {
    return this.exclusive(async () => {
      this.state.set(collection, new Map(entries.map(({ id, record }) => [id, record])));
      this.compact();
    });
  }

  appendAudit(entry: AuditInput): Promise<AuditEntry> {
    return this.exclusive(async () => {
      const { entries, consumed, tornBytes } = this.readAuditFile();
      if (tornBytes > 0) truncateTo(this.auditPath, consumed);
      const full: AuditEntry = { seq: (entries.at(-1)?.seq ?? 0) + 1, ...entry };
      appendDurably(this.auditPath, encodeLine(full));
      return full;
    });
  }

  async readAudit(filter: { collection?: string; id?: string } = {}): Promise<AuditEntry[]> {
    return this.readAuditFile().entries.filter(
      (entry) =>
        (filter.collection === undefined || entry.collection === filter.collection) &&
        (filter.id === undefined || entry.id === filter.id),
    );
  }

  /** In-process calls queue up; across processes the lock file decides. Re-entrant inside `fn`. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inLock.getStore()) return fn();
    const run = this.queue.then(async () => {
      mkdirSync(this.dir, { recursive: true });
      const lock = await acquireLock(this.lockPath, {
        timeoutMs: this.options.lockTimeoutMs,
        staleMs: this.options.lockStaleMs,
      });
      try {
        this.refresh(true);
        return await this.inLock.run(lock, fn);
      } finally {
        lock.release();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  problems(): DriverProblem[] {
    return [...this.found.values()];
  }

  /** One stat of the journal: every write appends to it, and a compaction replaces it (a new inode). */
  changeStamp(): string {
    const journal = statOrUndefined(this.journalPath);
    return journal ? `${journal.ino}:${journal.size}:${journal.mtimeMs}` : 'none';
  }

  async close(): Promise<void> {
    await this.queue;
  }

  /** Brings the in-memory index up to date; a writer (`repair`) also cuts a torn tail off. */
  private refresh(repair = false): void {
    const snapshot = statOrUndefined(this.snapshotPath);
    const journal = statOrUndefined(this.journalPath);
    const stamp = snapshot ? `${snapshot.ino}:${snapshot.mtimeMs}:${snapshot.size}` : 'none';
    const journalIno = journal?.ino ?? -1;
    if (stamp !== this.snapshotStamp || journalIno !== this.journalIno || (journal?.size ?? 0) < this.offset) {
      this.loadSnapshot(stamp);
      this.journalIno = journalIno;
    }
    if (!journal || journal.size === this.offset) return;
    const bytes = readRange(this.journalPath, this.offset, journal.size);
    const decoded = decodeLines<JournalOp>(bytes);
    for (const op of decoded.entries) this.apply(op);
    for (const bad of decoded.garbage)
      this.report(`${bad.problem} at line ${bad.line} after byte ${this.offset}; skipped`);
    this.offset += decoded.consumed;
    this.linesSinceSnapshot += decoded.entries.length + decoded.garbage.length;
    if (decoded.tornBytes > 0 && repair) {
      truncateTo(this.journalPath, this.offset);
      this.report(`torn tail of ${decoded.tornBytes} bytes dropped`);
    } else if (decoded.tornBytes > 0 && !this.opened) {
      this.report(`torn tail of ${decoded.tornBytes} bytes ignored (a writer cuts it off)`);
    }
    if (repair && decoded.garbage.length > 0) this.compact();
  }

  private report(problem: string): void {
    this.found.set(problem, { file: this.journalPath, problem });
  }

  private loadSnapshot(stamp: string): void {
    this.state = new Map();
    if (existsSync(this.snapshotPath)) {
      try {
        this.state = readSnapshot(this.snapshotPath);
      } catch (err) {
        throw new BuffError(
          'CORRUPT_ARTIFACT',
          `index snapshot ${this.snapshotPath} is unreadable; rebuild it with buff index`,
          {
            cause: err,
            details: { file: this.snapshotPath, rule: 'SNAPSHOT' },
          },
        );
      }
    }
    this.snapshotStamp = stamp;
    this.offset = 0;
    this.linesSinceSnapshot = 0;
  }

  private apply(op: JournalOp): void {
    let records = this.state.get(op.c);
    if (!records) this.state.set(op.c, (records = new Map()));
    if (op.op === 'put') records.set(op.id, op.r);
    else if (op.op === 'del') records.delete(op.id);
    else records.clear();
  }

  /** Appends ops durably (one write, one fsync), then applies them; the caller holds the lock. */
  private append(ops: JournalOp[]): void {
    if (ops.length === 0) return;
    const lock = this.inLock.getStore();
    if (!lock?.stillHeld())
      throw new BuffError('LOCK_TIMEOUT', `lost the writer lock ${this.lockPath}; nothing written`, {
        details: { file: this.lockPath },
      });
    const text = ops.map(encodeLine).join('');
    appendDurably(this.journalPath, text);
    const journal = statSync(this.journalPath);
    if (journal.ino !== this.journalIno) {
      this.journalIno = journal.ino;
      this.offset = 0;
    }
    this.offset += Buffer.byteLength(text);
    for (const op of ops) this.apply(op);
    this.linesSinceSnapshot += ops.length;
    if (this.linesSinceSnapshot >= (this.options.compactAfter ?? 20_000)) this.compact();
  }

  /** Writes the whole index as a new snapshot, then empties the journal (both atomic renames). */
  private compact(): void {
    writeSnapshot(this.snapshotPath, this.state);
    // replaying the old journal over the new snapshot is idempotent, so a crash here is harmless
    writeFileAtomic(this.journalPath, '');
    const snapshot = statSync(this.snapshotPath);
    this.snapshotStamp = `${snapshot.ino}:${snapshot.mtimeMs}:${snapshot.size}`;
    this.journalIno = statSync(this.journalPath).ino;
    this.offset = 0;
    this.linesSinceSnapshot = 0;
  }

  private readAuditFile(): { entries: AuditEntry[]; consumed: number; tornBytes: number } {
    if (!existsSync(this.auditPath)) return { entries: [], consumed: 0, tornBytes: 0 };
    return decodeLines<AuditEntry>(readFileSync(this.auditPath));
  }
}

function statOrUndefined(path: string): { ino: number; mtimeMs: number; size: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function readRange(path: string, from: number, to: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const bytes = Buffer.alloc(to - from);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function truncateTo(path: string, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
