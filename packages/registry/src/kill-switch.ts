import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { BuffError, canonicalJson, ioErrorOf, withErrorPath, writeFileAtomic, type KillSwitch } from '@buff/core';
import { acquireLock } from './file-lock.js';
import {
  KillSwitchAuditEntrySchema,
  killSwitchPaths,
  readKillSwitchSync,
  type KillSwitchAuditEntry,
  type KillSwitchState,
  type KillSwitchStatus,
} from './kill-switch-state.js';

/** A requested change: who asks, why, and (for tests) when. */
export interface KillSwitchChangeInput {
  on: boolean;
  actor: string;
  reason?: string;
  at?: Date;
}

/** What setKillSwitch did: `changed` is false when the switch already was in the asked state. */
export interface KillSwitchChange {
  changed: boolean;
  previous: KillSwitchStatus;
  state: KillSwitchStatus;
}

/**
 * Turns the kill switch on or off, under a lock so that concurrent CLI and API toggles each see
 * the state the one before left. Only a real change is written: first the state (atomically),
 * then one audit line naming the previous state. A state write that fails leaves no audit line;
 * an audit line that fails puts the old state back; a crash between the two is repaired by the
 * next change (the state's `seq` says an audit line is missing).
 * @example await setKillSwitch('runs', { on: true, actor: 'alice', reason: 'bad data feed' });
 */
export async function setKillSwitch(runsRoot: string, change: KillSwitchChangeInput): Promise<KillSwitchChange> {
  if (!change.actor.trim())
    throw new BuffError('INVALID_INPUT', 'kill switch change needs an actor', { details: { key: 'actor' } });
  const paths = killSwitchPaths(runsRoot);
  mkdirSync(paths.dir, { recursive: true });
  const lock = await acquireLock(paths.lock);
  try {
    const seq = repairAudit(runsRoot) + 1;
    const previous = readKillSwitchSync(runsRoot);
    if (previous.on === change.on && previous.source !== 'unreadable')
      return { changed: false, previous, state: previous };
    const state: KillSwitchState = {
      on: change.on,
      changedAt: (change.at ?? new Date()).toISOString(),
      actor: change.actor,
      reason: change.reason ?? '',
      seq,
      previous: previous.on,
    };
    const oldText = readOldState(paths.state);
    try {
      writeFileAtomic(paths.state, `${canonicalJson(state)}\n`);
    } catch (err) {
      throw notChanged(err, paths.state);
    }
    try {
      appendDurably(paths.audit, { ...state, previous: previous.on, previousSource: previous.source, seq });
    } catch (err) {
      restore(paths.state, oldText);
      throw notChanged(err, paths.audit);
    }
    return { changed: true, previous, state: { ...state, source: 'file' } };
  } finally {
    lock.release();
  }
}

/**
 * Every audit line, oldest first (a torn last line, from a crash mid-append, is left out).
 * @example (await readKillSwitchAudit('runs')).at(-1)?.actor
 */
export async function readKillSwitchAudit(runsRoot: string): Promise<KillSwitchAuditEntry[]> {
  const { lines } = readAuditFile(killSwitchPaths(runsRoot).audit);
  return lines.map((line) => KillSwitchAuditEntrySchema.parse(JSON.parse(line)));
}

/**
 * Refuses with KILL_SWITCH_ON while the switch is on (or unreadable). Every command and route
 * that ingests, builds, trains, promotes or rolls back calls it before it writes anything.
 * @example await assertKillSwitchOff(runsRoot, 'run build');
 */
export async function assertKillSwitchOff(runsRoot: string, action: string): Promise<void> {
  const status = readKillSwitchSync(runsRoot);
  if (!status.on) return;
  throw new BuffError(
    'KILL_SWITCH_ON',
    `kill switch is on: ${action} refused (${status.reason || 'no reason given'})`,
    {
      details: {
        rule: 'KILL_SWITCH_ON',
        action,
        actor: status.actor,
        since: status.changedAt,
        source: status.source,
        file: killSwitchPaths(runsRoot).state,
      },
    },
  );
}

/** The kill switch of one runs root: core's KillSwitch plus reading, changing and the audit log. */
export interface FsKillSwitch extends KillSwitch {
  read(): Promise<KillSwitchStatus>;
  set(change: KillSwitchChangeInput): Promise<KillSwitchChange>;
  audit(): Promise<KillSwitchAuditEntry[]>;
}

/**
 * The kill switch under `runsRoot` as one object (creates nothing until a change). Pass it to
 * code that may not import the registry, e.g. a runtime that checks it on every bar.
 * @example const ks = openKillSwitch(runsRoot); if (await ks.isOn()) stop();
 */
export function openKillSwitch(runsRoot: string): FsKillSwitch {
  return {
    root: runsRoot,
    isOn: async () => readKillSwitchSync(runsRoot).on,
    assertOff: (action) => assertKillSwitchOff(runsRoot, action),
    read: async () => readKillSwitchSync(runsRoot),
    set: (change) => setKillSwitch(runsRoot, change),
    audit: () => readKillSwitchAudit(runsRoot),
  };
}

/** Under the lock: drops a torn last line, adds the line a crash left out; returns the line count. */
function repairAudit(runsRoot: string): number {
  const paths = killSwitchPaths(runsRoot);
  const { lines, completeBytes, torn } = readAuditFile(paths.audit);
  if (torn) truncateSync(paths.audit, completeBytes);
  const state = readKillSwitchSync(runsRoot);
  if (state.source !== 'file' || state.seq !== lines.length + 1) return lines.length;
  const { source: _source, ...recorded } = state;
  appendDurably(paths.audit, { ...recorded, previous: state.previous ?? !state.on, seq: state.seq, recovered: true });
  return lines.length + 1;
}

function readAuditFile(path: string): { lines: string[]; completeBytes: number; torn: boolean } {
  const text = readIfPresent(path) ?? '';
  const end = text.lastIndexOf('\n') + 1;
  const lines = text.slice(0, end).split('\n').filter(Boolean);
  return { lines, completeBytes: Buffer.byteLength(text.slice(0, end)), torn: end < text.length };
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The state file's text, undefined when absent, null when it cannot be read (then it is not restored). */
function readOldState(path: string): string | undefined | null {
  try {
    return readIfPresent(path);
  } catch {
    return null;
  }
}

/** A failed write as IO_ERROR / NO_SPACE (exit 3) naming the file, or INTERNAL for anything else. */
function notChanged(err: unknown, file: string): BuffError {
  const io = ioErrorOf(withErrorPath(err, file));
  return new BuffError(
    io?.code ?? 'INTERNAL',
    `kill switch not changed: cannot write ${file}: ${io?.message ?? String(err)}`,
    {
      cause: err,
      details: { ...io?.details, file },
    },
  );
}

function restore(path: string, oldText: string | undefined | null): void {
  if (oldText === null) return;
  try {
    if (oldText === undefined) rmSync(path, { force: true });
    else writeFileAtomic(path, oldText);
  } catch {
    // the next change sees the state's seq ahead of the audit log and writes the missing line
  }
}

function appendDurably(path: string, entry: KillSwitchAuditEntry): void {
  const fd = openSync(path, 'a');
  try {
    appendFileSync(fd, `${canonicalJson(entry)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
