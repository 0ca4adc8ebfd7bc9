import { setTimeout as sleep } from 'node:timers/promises';
import type { JournalEntry } from './journal-entry.js';
import { readSession } from './session-files.js';
import { readJournalFrom } from './session-tail.js';

/** Where a reader of a session's journal is: the byte offset after the last whole line read. */
export interface JournalCursor {
  offset: number;
}

/**
 * Reads the journal lines written after `cursor` (whole, checksummed lines only: a line being
 * written is left for the next call; at most a few MB per call) and moves the cursor past them. For
 * UIs and notifiers that follow a session from another process; start from `{ offset: 0 }`.
 * @example const cursor = { offset: 0 }; const fresh = readSessionEvents(runsRoot, id, cursor);
 */
export function readSessionEvents(runsRoot: string, id: string, cursor: JournalCursor): JournalEntry[] {
  const { entries, offset } = readJournalFrom(runsRoot, id, cursor.offset);
  cursor.offset = offset;
  return entries;
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
    let fresh = readSessionEvents(runsRoot, id, cursor);
    while (fresh.length > 0) {
      for (const entry of fresh) yield entry;
      fresh = running ? [] : readSessionEvents(runsRoot, id, cursor); // a stopped session: read to the end
    }
    if (!running || options.signal?.aborted) return;
    try {
      await sleep(options.pollMs ?? 250, undefined, options.signal ? { signal: options.signal } : undefined);
    } catch {
      return; // aborted
    }
  }
}
