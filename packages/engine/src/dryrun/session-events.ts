import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeLines } from '@buff/core';
import type { JournalEntry } from './journal-entry.js';
import { JOURNAL_FILE, readSession, sessionDir } from './session-files.js';

/** Where a reader of a session's journal is: the byte offset after the last whole line read. */
export interface JournalCursor {
  offset: number;
}

/**
 * Reads the journal lines written after `cursor` (whole, checksummed lines only: a line being
 * written is left for the next call) and moves the cursor past them. For UIs and notifiers that
 * follow a session from another process; start from `{ offset: 0 }` to read everything.
 * @example const cursor = { offset: 0 }; const fresh = readSessionEvents(runsRoot, id, cursor);
 */
export function readSessionEvents(runsRoot: string, id: string, cursor: JournalCursor): JournalEntry[] {
  const file = join(sessionDir(runsRoot, id), JOURNAL_FILE);
  if (!existsSync(file)) return [];
  const size = statSync(file).size;
  if (size <= cursor.offset) return [];
  const bytes = Buffer.alloc(size - cursor.offset);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, bytes, 0, bytes.length, cursor.offset);
  } finally {
    closeSync(fd);
  }
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end === 0) return [];
  cursor.offset += end;
  return decodeLines<JournalEntry>(bytes.subarray(0, end)).entries;
}

/**
 * Follows a session's journal: yields each new entry as it is fsynced, polling every `pollMs`,
 * until the session is no longer running (then the last lines are read and the iteration ends) or
 * `signal` aborts. The server's SSE route and notifiers can be built on it.
 * @example for await (const entry of followSession(runsRoot, id, { signal })) send(entry);
 */
export async function* followSession(
  runsRoot: string,
  id: string,
  options: { pollMs?: number; signal?: AbortSignal; cursor?: JournalCursor } = {},
): AsyncGenerator<JournalEntry> {
  const cursor = options.cursor ?? { offset: 0 };
  for (;;) {
    const running = readSession(runsRoot, id).status === 'running';
    for (const entry of readSessionEvents(runsRoot, id, cursor)) yield entry;
    if (!running || options.signal?.aborted) return;
    try {
      await sleep(options.pollMs ?? 250, undefined, options.signal ? { signal: options.signal } : undefined);
    } catch {
      return; // aborted
    }
  }
}
