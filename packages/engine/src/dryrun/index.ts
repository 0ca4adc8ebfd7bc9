export { runDryRun } from './dry-run.js';
export type { DryRunOptions, DryRunResult } from './dry-run.js';
export { feedBars } from './dry-run-feed.js';
export type { FeedKind } from './dry-run-feed.js';
export { checkFeedBar } from './feed-bar-check.js';
export type { FeedBar, FeedBarRule } from './feed-bar-check.js';
export type { JournalEntry, SignalRecord } from './journal-entry.js';
export {
  listSessions,
  readSession,
  sessionDir,
  SessionRecordSchema,
  JOURNAL_FILE,
  STOP_FILE,
  SESSIONS_DIR,
} from './session-files.js';
export type { SessionRecord, SessionCounts } from './session-files.js';
export { readJournalFrom, readSessionSnapshot } from './session-tail.js';
export type { SessionSnapshotView } from './session-tail.js';
