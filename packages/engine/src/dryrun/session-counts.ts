import type { JournalEntry } from './journal-entry.js';
import type { SessionCounts } from './session-files.js';

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
