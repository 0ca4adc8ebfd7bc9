import { randomBytes, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve, sep } from 'node:path';
import {
  BuffError,
  RunIdSchema,
  ioErrorOf,
  parseOrThrow,
  fileIdentity,
  publishFolder,
  sameFile,
  silentLogger,
  writeArtifactFile,
  type ArtifactEntry,
  type FileIdentity,
  type Logger,
  type RunStore,
} from '@buff/core';
import { pidAlive } from './file-lock.js';
import { openDriver, type DriverChoice } from './open-driver.js';
import { queryRecords } from './query-records.js';
import { readRunFolder, readRunFolderHashed } from './run-folder.js';
import {
  RUN_SORT_FIELDS,
  RunListQuerySchema,
  TagSchema,
  type RunListQueryInput,
  type RunRecord,
} from './run-record.js';
import {
  ListQuerySchema,
  type DriverProblem,
  type Filter,
  type JsonRecord,
  type StorageDriver,
} from './storage-driver.js';

const RUNS = 'runs';
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

export interface RunRegistryOptions extends DriverChoice {
  runsRoot: string;
  logger?: Logger;
  /** Create RUNS_ROOT when missing (building commands); otherwise a missing root is ROOT_MISSING. */
  create?: boolean;
}

/**
 * The run registry: hands out staging folders, publishes runs atomically, indexes and lists them.
 * Implements core's RunStore, so the engine's builder writes through it without importing it.
 */
export interface RunRegistry extends RunStore {
  get(id: string): Promise<RunRecord | undefined>;
  list(query?: RunListQueryInput): Promise<{ items: RunRecord[]; total: number }>;
  setTags(id: string, tags: string[]): Promise<RunRecord>;
  runDir(id: string): string;
  /** What opening found: corrupt run folders, journal damage. Reported, never fatal. */
  problems(): DriverProblem[];
  readonly driver: StorageDriver;
  close(): Promise<void>;
}

/**
 * Opens the registry on RUNS_ROOT and reconciles its index with the run folders (folders are
 * the truth: a folder missing from the index is added, an entry without a folder is dropped).
 * @example
 * const registry = await openRunRegistry({ runsRoot: 'runs', create: true });
 * const { items } = await registry.list({ strategy: 'ma-cross', limit: 20 });
 */
export async function openRunRegistry(options: RunRegistryOptions): Promise<RunRegistry> {
  const root = resolve(options.runsRoot);
  if (!existsSync(root)) {
    if (!options.create)
      throw new BuffError('ROOT_MISSING', `RUNS_ROOT ${root} does not exist`, {
        details: { file: root, rule: 'ROOT_MISSING' },
      });
    mkdirSync(root, { recursive: true });
  } else if (!statSync(root).isDirectory()) {
    throw new BuffError('ROOT_MISSING', `RUNS_ROOT ${root} is not a folder`, {
      details: { file: root, rule: 'ROOT_MISSING' },
    });
  }
  const driver = await openDriver(root, options);
  const registry = new FolderRunRegistry(root, driver, options.logger ?? silentLogger());
  await registry.reconcile();
  return registry;
}

/** Checks a run id before it touches the filesystem (no `..`, no `/`). */
export function checkRunId(id: string): string {
  const parsed = RunIdSchema.safeParse(id);
  if (!parsed.success)
    throw new BuffError(
      'INVALID_ID',
      `invalid run id ${JSON.stringify(id)}: expected run-<16 hex> or legacy-<16 hex>`,
      { details: { value: id, rule: 'RUN_ID' } },
    );
  return parsed.data;
}

class FolderRunRegistry implements RunRegistry {
  private readonly stagingRoot: string;
  private readonly folderProblems: DriverProblem[] = [];
  private stagingSwept = false;
  /** Run folders found unindexed that this process could not index (a full or read-only disk): listed from memory. */
  private readonly unindexed = new Map<string, RunRecord>();
  /** Artifacts this registry wrote into staging folders (path -> sha256 and file identity), until publish or discard. */
  private readonly writtenArtifacts = new Map<string, { sha256: string; identity: FileIdentity }>();

  constructor(
    readonly root: string,
    readonly driver: StorageDriver,
    private readonly logger: Logger,
  ) {
    this.stagingRoot = join(root, '.staging');
  }

  runDir(id: string): string {
    return join(this.root, checkRunId(id));
  }

  /**
   * True only for a published run that is indexed: a folder that is not (a publish cut short by a
   * full disk) is indexed now, and when that fails too the error goes to the caller, never a "yes".
   */
  async has(id: string): Promise<boolean> {
    if (!existsSync(this.runDir(id))) return false;
    await this.ensureIndexed(id);
    return true;
  }

  async createStaging(id: string): Promise<string> {
    checkRunId(id);
    mkdirSync(this.stagingRoot, { recursive: true });
    if (!this.stagingSwept) this.sweepStaging();
    const dir = join(this.stagingRoot, `${id}.${HOST_TAG}.${process.pid}.${randomBytes(4).toString('hex')}`);
    mkdirSync(dir);
    return dir;
  }

  /**
   * Writes an artifact into a staging folder (fsynced) and returns its manifest entry; publish
   * trusts this sha256 while the file keeps its inode, size and mtime, instead of reading it again.
   */
  async writeArtifact(stagingDir: string, file: string, chunks: readonly Uint8Array[]): Promise<ArtifactEntry> {
    const staging = this.checkStaging(stagingDir);
    const { entry, identity } = await writeArtifactFile(staging, file, chunks);
    this.writtenArtifacts.set(join(staging, file), { sha256: entry.sha256, identity });
    return entry;
  }

  /**
   * Checks, fsyncs and renames the staging folder into `<root>/<id>`, then records it, and returns
   * true. When the id exists already (another build won the race) it discards the staging folder,
   * makes sure the run is indexed and returns false: exactly one of two racing publishes says true.
   */
  async publish(id: string, stagingDir: string): Promise<boolean> {
    const target = this.runDir(id);
    const staging = this.checkStaging(stagingDir);
    // Already published: same id, same content by construction, so nothing to read or hash.
    if (existsSync(target)) {
      await this.discard(staging);
      await this.ensureIndexed(id);
      return false;
    }
    // the folder's mtime is the run's createdAt (rename keeps it), so a rebuild recovers it
    const now = new Date(Date.now());
    utimesSync(staging, now, now);
    // every artifact checked against the manifest while the tree is fsynced: hashed again, unless
    // this registry wrote it (writeArtifact) and it is the same file still
    const alreadyHashed = (path: string, entry: { sha256: string }): boolean => {
      const written = this.writtenArtifacts.get(path);
      return written !== undefined && written.sha256 === entry.sha256 && sameFile(written.identity, fileIdentity(path));
    };
    let checked: RunRecord | undefined;
    const check = async (): Promise<void> => {
      checked = await readRunFolderHashed(staging, { expectId: id, alreadyHashed }).finally(() =>
        this.forgetArtifacts(staging),
      );
    };
    // the rename is made durable while the index line is appended; publish returns when both are.
    // A crash in between leaves a folder without a line (reconciliation adds it) or a line without
    // a folder (reconciliation drops it); a returned publish is always both.
    const index = async (): Promise<void> => {
      await this.driver.insert(RUNS, id, {
        ...(checked as RunRecord), // set: publishFolder renames only after the check passed
        createdAt: new Date(Math.round(statSync(target).mtimeMs)).toISOString(),
      });
    };
    if (!(await publishFolder(staging, target, { check, whileRenameSyncs: index }))) {
      this.forgetArtifacts(staging);
      await this.ensureIndexed(id); // published by another process in between
      return false;
    }
    this.unindexed.delete(id);
    this.logger.info({ runId: id, runDir: target }, 'run published');
    return true;
  }

  async discard(dir: string): Promise<void> {
    const staging = this.checkStaging(dir);
    this.forgetArtifacts(staging);
    rmSync(staging, { recursive: true, force: true });
  }

  async get(id: string): Promise<RunRecord | undefined> {
    const record = (await this.driver.get(RUNS, checkRunId(id))) as RunRecord | undefined;
    return record ?? this.unindexed.get(id);
  }

  async list(input: RunListQueryInput = {}): Promise<{ items: RunRecord[]; total: number }> {
    const q = parseOrThrow(RunListQuerySchema, input, 'INVALID_INPUT', 'run listing query');
    const where: Filter[] = [];
    if (q.strategy !== undefined) where.push({ field: 'strategy', op: 'eq', value: q.strategy });
    if (q.symbol !== undefined)
      where.push({ field: 'symbols', op: q.symbolAnyCase ? 'hasAnyCase' : 'has', value: q.symbol });
    for (const c of q.metrics) where.push({ field: `metrics.${c.metric}`, op: c.op, value: c.value });
    if (q.timeframe !== undefined) where.push({ field: 'timeframe', op: 'eq', value: q.timeframe });
    if (q.status !== undefined) where.push({ field: 'status', op: 'eq', value: q.status });
    if (q.tag !== undefined) where.push({ field: 'tags', op: 'has', value: q.tag });
    if (q.legacy !== undefined) where.push({ field: 'legacy', op: 'eq', value: q.legacy });
    if (q.createdFrom !== undefined) where.push({ field: 'createdAt', op: 'gte', value: q.createdFrom });
    if (q.createdTo !== undefined) where.push({ field: 'createdAt', op: 'lte', value: q.createdTo });
    const sort = { ...RUN_SORT_FIELDS[q.sort], direction: q.order };
    if (this.unindexed.size > 0) return this.listWithUnindexed({ where, sort, limit: q.limit, offset: q.offset });
    const page = await this.driver.list(RUNS, { where, sort, limit: q.limit, offset: q.offset });
    return { items: page.items as RunRecord[], total: page.total };
  }

  async setTags(id: string, tags: string[]): Promise<RunRecord> {
    checkRunId(id);
    const clean = [...new Set(tags.map((tag) => TagSchema.parse(tag)))].sort();
    return this.driver.exclusive(async () => {
      const record = await this.get(id);
      if (!record) throw new BuffError('RUN_NOT_FOUND', `no run ${id} in ${this.root}`, { details: { value: id } });
      const tagged = { ...record, tags: clean };
      await this.driver.putMany(RUNS, [{ id, record: tagged }]);
      return tagged;
    });
  }

  problems(): DriverProblem[] {
    return [...this.driver.problems(), ...this.folderProblems];
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  /** Index vs folders: adds folders missing from the index, drops entries whose folder is gone. */
  async reconcile(): Promise<void> {
    // names only (no file types): 100k entries; only the few names missing from the index are stat'ed
    const names = readdirSync(this.root).filter((name) => RUN_FOLDER.test(name));
    const indexed = new Set(await this.driver.ids(RUNS));
    const unindexed = names.filter((id) => !indexed.has(id));
    const missing = unindexed.filter((id) => isDirectory(join(this.root, id))).sort();
    // every indexed id has its name on disk when the counts add up (readdir names are unique)
    const gone = names.length - unindexed.length === indexed.size ? [] : absentFrom(indexed, names);
    const found: Array<{ id: string; record: RunRecord }> = [];
    for (const id of missing) {
      try {
        found.push({ id, record: readRunFolder(join(this.root, id), { check: 'sizes' }) });
      } catch (err) {
        if (!(err instanceof BuffError)) throw err;
        this.folderProblems.push({ file: join(this.root, id), problem: err.message });
      }
    }
    if (found.length === 0 && gone.length === 0) return;
    try {
      await this.driver.exclusive(async () => {
        for (const { id, record } of found) await this.driver.insert(RUNS, id, record);
        for (const id of gone) if (!existsSync(join(this.root, id))) await this.driver.remove(RUNS, id);
      });
    } catch (err) {
      // Reading must work on a full or read-only disk: list what was found from memory, say so.
      const io = ioErrorOf(err);
      if (io === undefined) throw err;
      for (const { id, record } of found) this.unindexed.set(id, record);
      this.folderProblems.push({ file: join(this.root, '.index'), problem: `index not updated: ${io.message}` });
      return;
    }
    this.logger.info({ added: found.length, dropped: gone.length }, 'index reconciled with run folders');
  }

  private async ensureIndexed(id: string): Promise<void> {
    if (await this.driver.get(RUNS, id)) return;
    await this.driver.insert(RUNS, id, readRunFolder(this.runDir(id), { check: 'sizes' }));
    this.unindexed.delete(id);
  }

  /** A listing over the index plus the runs it lacks (kept in memory by `reconcile`). */
  private async listWithUnindexed(query: {
    where: Filter[];
    sort: { field: string; type: 'string' | 'number'; direction: 'asc' | 'desc' };
    limit: number;
    offset: number;
  }): Promise<{ items: RunRecord[]; total: number }> {
    const all = await this.driver.list(RUNS, { where: [], limit: Number.MAX_SAFE_INTEGER });
    const records = new Map<string, JsonRecord>(all.items.map((record) => [String(record.id), record]));
    for (const [id, record] of this.unindexed) if (!records.has(id)) records.set(id, record);
    const page = queryRecords(records, ListQuerySchema.parse(query));
    return { items: page.items as RunRecord[], total: page.total };
  }

  private forgetArtifacts(staging: string): void {
    for (const path of this.writtenArtifacts.keys())
      if (path.startsWith(staging + sep)) this.writtenArtifacts.delete(path);
  }

  private checkStaging(dir: string): string {
    const full = resolve(dir);
    if (!full.startsWith(this.stagingRoot + sep)) {
      throw new BuffError('INVALID_INPUT', `${full} is not a staging folder of ${this.root}`, {
        details: { file: full, rule: 'STAGING' },
      });
    }
    return full;
  }

  /** Removes staging folders left by dead processes of this host. */
  private sweepStaging(): void {
    this.stagingSwept = true;
    for (const name of readdirSync(this.stagingRoot)) {
      const match = /^[a-z]+-[0-9a-f]{16}\.([0-9a-f]{8})\.(\d+)\.[0-9a-f]+$/.exec(name);
      if (!match || match[1] !== HOST_TAG || pidAlive(Number(match[2]))) continue;
      rmSync(join(this.stagingRoot, name), { recursive: true, force: true });
    }
  }
}

const RUN_FOLDER = /^(?:run|legacy)-[0-9a-f]{16}$/;

function absentFrom(indexed: Set<string>, names: string[]): string[] {
  const onDisk = new Set(names);
  return [...indexed].filter((id) => !onDisk.has(id));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
