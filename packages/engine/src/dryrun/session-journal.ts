import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { decodeLines } from '@buff/core';
import type { JournalEntry } from './journal-entry.js';

/** Most bytes one {@link readJournalFileFrom} call reads (a reader catching up takes several calls). */
const MAX_READ_BYTES = 4 * 2 ** 20;

/**
 * The entries of journal file `file` after byte `offset`: complete, checksummed lines only (a torn
 * tail is left for the next call), and the offset to ask from next time. At most 4 MiB a call.
 * @example const { entries, offset } = readJournalFileFrom(join(dir, JOURNAL_FILE), 0);
 */
export function readJournalFileFrom(file: string, offset = 0): { entries: JournalEntry[]; offset: number } {
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
