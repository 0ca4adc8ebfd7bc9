import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLines } from '@buff/core';
import { ipcToColumns } from '../arrow-columns.js';
import { ARTIFACT_FILES } from '../run-artifacts.js';
import type { JournalEntry } from './journal-entry.js';
import { JOURNAL_FILE, sessionDir } from './session-files.js';

/** Most bytes one {@link readJournalFrom} call reads (a reader catching up takes several calls). */
const MAX_READ_BYTES = 4 * 2 ** 20;

/**
 * The journal entries of a session after byte `offset`: complete, checksummed lines only (a torn
 * tail is left for the next call), and the offset to ask from next time. For readers that follow a
 * running session (the UI's live page); the session's own process is the only writer.
 * @example let at = 0; const { entries, offset } = readJournalFrom('runs', id, at); at = offset;
 */
export function readJournalFrom(runsRoot: string, id: string, offset = 0): { entries: JournalEntry[]; offset: number } {
  const file = join(sessionDir(runsRoot, id), JOURNAL_FILE);
  if (!existsSync(file)) return { entries: [], offset };
  const size = statSync(file).size;
  if (size <= offset) return { entries: [], offset: Math.min(offset, size) };
  const length = Math.min(size - offset, MAX_READ_BYTES);
  const bytes = Buffer.allocUnsafe(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, bytes, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  const decoded = decodeLines<JournalEntry>(bytes);
  return { entries: decoded.entries, offset: offset + decoded.consumed };
}

/** What a session's latest Arrow snapshot says: equity points and guardrail blocks so far. */
export interface SessionSnapshotView {
  /** [ts ms, equity] per timeline step of the snapshot. */
  equity: Array<[number, number]>;
  /** Decisions blocked or cut by a guardrail, by rule. */
  guardrailBlocks: Record<string, number>;
  /** Modification time of the equity snapshot (ms), to tell a new one. */
  mtimeMs: number;
}

/**
 * The session's latest snapshot (equity.arrow and decisions.arrow beside its journal), or undefined
 * before the first one is written.
 * @example readSessionSnapshot('runs', id)?.equity.at(-1)
 */
export function readSessionSnapshot(runsRoot: string, id: string): SessionSnapshotView | undefined {
  const dir = sessionDir(runsRoot, id);
  const equityFile = join(dir, ARTIFACT_FILES.equity);
  const decisionsFile = join(dir, ARTIFACT_FILES.decisions);
  if (!existsSync(equityFile) || !existsSync(decisionsFile)) return undefined;
  const mtimeMs = statSync(equityFile).mtimeMs;
  const { columns: eq, numRows } = ipcToColumns(readFileSync(equityFile));
  const ts = eq.get('ts');
  const values = eq.get('equity');
  const equity: Array<[number, number]> = [];
  if (ts && 'values' in ts && values && 'values' in values)
    for (let i = 0; i < numRows; i++) equity.push([ts.values[i] as number, values.values[i] as number]);
  const guardrail = ipcToColumns(readFileSync(decisionsFile)).columns.get('guardrail');
  const guardrailBlocks: Record<string, number> = {};
  if (guardrail?.kind === 'dictionary')
    for (const code of guardrail.codes) {
      const rule = guardrail.dictionary[code] ?? '';
      if (rule !== '') guardrailBlocks[rule] = (guardrailBlocks[rule] ?? 0) + 1;
    }
  return { equity, guardrailBlocks, mtimeMs };
}
