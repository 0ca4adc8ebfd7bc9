import type { Logger } from '@buff/core';
import type { RunConfig, RunConfigInput } from '../run-config.js';
import type { ModelResolver } from '../strategy.js';
import type { OhlcvExchange } from './ccxt-feed.js';
import type { JournalEntry, ModelSwitch, SignalRecord } from './journal-entry.js';
import type { ModelRefInput } from './lane.js';
import type { FeedKind } from './session-feed.js';
import type { CcxtFeedSettings, SessionCounts, SessionRecord } from './session-files.js';

/** What `runDryRun` takes: roots, a new session's config or the session to resume, the feed, the hooks. */
export interface DryRunOptions {
  runsRoot: string;
  dataRoot: string;
  /** Resume this session (its config and feed come from its session.json). */
  session?: string | undefined;
  /** A new session's run config (strategy model-signal; one lane per symbol). */
  config?: RunConfig | RunConfigInput | undefined;
  /** A new session's per-symbol models (else every symbol uses the config's model). */
  models?: Record<string, ModelRefInput> | undefined;
  feed?: FeedKind | undefined;
  /** The ccxt feed's exchange and polling (feed `ccxt`). */
  ccxt?: CcxtFeedSettings | undefined;
  /** An exchange object for the ccxt feed instead of `new ccxt[exchange]` (tests, custom clients). */
  exchange?: OhlcvExchange | undefined;
  /** The live feed's clock: `now()` decides which bars are closed, `wait(ms)` paces the polls (tests drive their own). */
  clock?: { now(): number; wait(ms: number): Promise<void> } | undefined;
  /** Feed bars to handle in this call (default: all that remain). */
  iterations?: number | undefined;
  /** Pause between bars (replay speed / a live clock). */
  sleepMs?: number | undefined;
  /** Signals per minute (bar time) per symbol; more are journaled as rate-limited, not emitted. */
  rateLimitPerMinute?: number | undefined;
  /** Write the Arrow snapshots every this many used bars (and at the end). */
  snapshotEvery?: number | undefined;
  resolveModel: ModelResolver;
  /** Checked before every bar: when it says on, the session stops at once. */
  killSwitchOn: () => boolean;
  logger?: Logger | undefined;
  onSignal?: ((signal: SignalRecord) => void) | undefined;
  /** Called once the session is open (its journal re-stepped), before its first new bar: notifications. */
  onOpen?: ((session: SessionRecord, dir: string) => void | Promise<void>) | undefined;
  /** Called after each journal line is fsynced (the observe hook: notifications, UIs). */
  onEntry?: ((entry: JournalEntry, session: SessionRecord) => void | Promise<void>) | undefined;
  /** Called when a lane's alias moved (after the switch is journaled): the CLI writes the registry audit record. */
  onModelSwitch?:
    | ((
        change: ModelSwitch & { session: string; seq: number; symbol: string; model: string; barTs: number },
      ) => Promise<void>)
    | undefined;
}

export interface DryRunResult {
  sessionId: string;
  dir: string;
  status: SessionRecord['status'];
  stopReason?: string | undefined;
  counts: SessionCounts;
  /** What ran inference: `js-forward` (plain-JS LSTM forward pass) or `tfjs-<backend>`; lanes that differ, joined by commas. */
  backend: string;
}
