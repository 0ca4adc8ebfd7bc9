export { runDryRun } from './dry-run.js';
export type { DryRunOptions, DryRunResult } from './dry-run-options.js';
export { feedBars, storedFeed } from './stored-feed.js';
export { ccxtFeed } from './ccxt-feed.js';
export type { CcxtFeedOptions, OhlcvExchange } from './ccxt-feed.js';
export { openFeed } from './open-feed.js';
export type { OpenFeedInput } from './open-feed.js';
export type { FeedKind, FeedEvent, FeedResume, SessionFeed } from './session-feed.js';
export { checkFeedBar } from './feed-bar-check.js';
export type { FeedBar, FeedBarRule } from './feed-bar-check.js';
export type { JournalEntry, ModelSwitch, SignalRecord } from './journal-entry.js';
export { laneConfig } from './lane.js';
export type { ModelRefInput } from './lane.js';
export { readSessionEvents, followSession } from './session-events.js';
export type { JournalCursor } from './session-events.js';
export { RuntimeStatsSchema, RUNTIME_FILE, LATENCY_BUCKETS } from './runtime-stats.js';
export type { RuntimeStats } from './runtime-stats.js';
export {
  listSessions,
  readSession,
  stopCrashedSession,
  sessionDir,
  laneDir,
  SessionRecordSchema,
  CcxtFeedSettingsSchema,
  DryRunSectionSchema,
  splitDryRunConfig,
  JOURNAL_FILE,
  STOP_FILE,
  SESSIONS_DIR,
} from './session-files.js';
export type { SessionRecord, SessionCounts, CcxtFeedSettings, DryRunSection } from './session-files.js';
export { readJournalFrom, readSessionSnapshot } from './session-tail.js';
export type { SessionSnapshotView } from './session-tail.js';
export { sessionRuntimes, sessionGuardrails } from './runtime-state.js';
export { LaneGuardrailSchema } from './guardrail-state.js';
export type { LaneGuardrail } from './guardrail-state.js';
export type { SessionRuntime } from './runtime-state.js';
