import { z } from 'zod';
import type { JournalEntry } from './journal-entry.js';
import { readJournalFileFrom } from './session-journal.js';

/** A session's counts, as session.json holds them (see SessionRecordSchema). */
export const CountsSchema = z
  .object({
    bars: z.number().int(),
    used: z.number().int(),
    refused: z.number().int(),
    gaps: z.number().int(),
    signals: z.number().int(),
    rateLimited: z.number().int(),
    modelSwitches: z.number().int(),
    guardrailBlocks: z.number().int().optional(),
  })
  .strict();

export type SessionCounts = z.infer<typeof CountsSchema>;

/**
 * Adds one journal entry to a session's counts (as it is handled, and again when a resume re-reads it).
 * @example for (const entry of entries) count(record.counts, entry);
 */
export function count(counts: SessionCounts, entry: JournalEntry): void {
  counts.bars++;
  if (entry.refused) counts.refused++;
  else counts.used++;
  if (entry.gap) counts.gaps++;
  if (entry.switchTo) counts.modelSwitches++;
  if (entry.guardrail) counts.guardrailBlocks = (counts.guardrailBlocks ?? 0) + 1;
  if (entry.signal && entry.rateLimited) counts.rateLimited++;
  else if (entry.signal) counts.signals++;
}

/**
 * A session's counts as its journal has them: the counts session.json holds (written with each
 * snapshot, with the journal bytes they cover) plus the journal lines after those bytes, which a
 * running session, or one killed between snapshots, has handled since. Lines whose seq the stored
 * counts already hold are not counted twice. A record without `journalBytes` (written before it was
 * stored) is read from the journal's start when it may lag (running or crashed), else trusted.
 * @example const { counts, journalBytes } = journalCounts(join(dir, JOURNAL_FILE), record);
 */
export function journalCounts(
  journal: string,
  stored: { status: string; counts: SessionCounts; journalBytes?: number | undefined },
): { counts: SessionCounts; journalBytes?: number } {
  const counts = { ...stored.counts };
  const mayLag = stored.status === 'running' || stored.status === 'crashed';
  if (stored.journalBytes === undefined && !mayLag) return { counts };
  let offset = stored.journalBytes ?? 0;
  for (;;) {
    const read = readJournalFileFrom(journal, offset);
    for (const entry of read.entries) if (entry.seq >= stored.counts.bars) count(counts, entry);
    if (read.offset === offset) return { counts, journalBytes: offset };
    offset = read.offset;
  }
}
