import { existsSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { appendLinesDurably, encodeLine, silentLogger, type Logger } from '@buff/core';
import type { RunConfig, RunConfigInput } from '../run-config.js';
import type { ModelResolver } from '../strategy.js';
import type { OhlcvExchange } from './ccxt-feed.js';
import { checkFeedBar, type FeedBar } from './feed-bar-check.js';
import type { JournalEntry, ModelSwitch, SignalRecord } from './journal-entry.js';
import { useBar } from './lane.js';
import type { FeedEvent, FeedKind } from './session-feed.js';
import { openSession, type Live } from './open-session.js';
import type { ModelRefInput } from './lane.js';
import { RuntimeRecorder } from './runtime-stats.js';
import { count } from './session-counts.js';
import { writeSnapshot } from './snapshot.js';
import {
  laneDir,
  STOP_FILE,
  writeSession,
  type CcxtFeedSettings,
  type SessionCounts,
  type SessionRecord,
} from './session-files.js';

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
}

/**
 * Runs (or resumes) a dry-run session: each feed bar passes the ingest rules, then its lane's
 * model-signal strategy, simulator step and guardrails (the backtest's Simulation, one per symbol),
 * a rate limit and the kill switch. Every handled bar is one checksummed, fsynced journal line; a
 * resumed session re-steps its journal's bars (bit-identical) and continues at the next unprocessed
 * bar, so a SIGKILL at any moment loses no signal and duplicates none.
 * @example const r = await runDryRun({ runsRoot, dataRoot, config, feed: 'replay', resolveModel, killSwitchOn });
 */
export async function runDryRun(options: DryRunOptions): Promise<DryRunResult> {
  const logger = options.logger ?? silentLogger();
  const live = await openSession(options);
  const { record } = live;
  logger.info({ session: record.id, resumedAt: record.counts.bars }, 'dry run: session open');
  const stats = new RuntimeRecorder(live.dir, live.stepMs);
  await options.onOpen?.(record, live.dir);
  const limit = options.iterations ?? Number.POSITIVE_INFINITY;
  let handled = 0;
  let stopReason: string | undefined;
  const stopRequested = (): boolean => {
    if (existsSync(join(live.dir, STOP_FILE))) stopReason = 'stop requested';
    else if (options.killSwitchOn()) stopReason = 'kill switch on';
    return stopReason !== undefined;
  };
  let ended = false;
  try {
    while (handled < limit && !stopRequested()) {
      const event = await live.feed.next(stopRequested);
      if (event === undefined) {
        ended = stopReason === undefined;
        break;
      }
      await handleEvent(live, event, options, stats, logger);
      handled++;
      if (options.sleepMs && handled < limit) await sleep(options.sleepMs);
    }
  } catch (err) {
    pause(live, stats, 'stopped', `error: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
  pause(
    live,
    stats,
    ended ? 'completed' : 'stopped',
    ended ? 'feed exhausted' : (stopReason ?? `${handled} iterations done`),
  );
  logger.info({ session: record.id, status: record.status, counts: record.counts }, 'dry run: session paused');
  return {
    sessionId: record.id,
    dir: live.dir,
    status: record.status,
    stopReason: record.stopReason,
    counts: record.counts,
  };
}

/** One feed bar: checked, used by its lane, journaled and fsynced, counted, reported. */
async function handleEvent(
  live: Live,
  event: FeedEvent,
  options: DryRunOptions,
  stats: RuntimeRecorder,
  logger: Logger,
): Promise<void> {
  const arrived = performance.now();
  const lane = live.lanes[event.lane] as Live['lanes'][number];
  const entry: JournalEntry = { seq: live.record.counts.bars, lane: event.lane, bar: rowOf(event.bar) };
  const switched = await lane.watch.poll(lane.simulation);
  if (switched) entry.switchTo = switched;
  const rule = checkFeedBar(event.bar, lane.lastTs, live.stepMs);
  let inferenceSeconds: number | undefined;
  if (rule !== undefined && rule !== 'GAP') {
    entry.refused = rule;
    logger.warn(
      { session: live.record.id, seq: entry.seq, symbol: lane.symbol, ts: event.bar.ts, rule },
      'dry run: feed bar refused',
    );
  } else {
    if (rule === 'GAP') entry.gap = true;
    const stepped = performance.now();
    const { signal, guardrail } = useBar(lane, event.bar);
    inferenceSeconds = (performance.now() - stepped) / 1000;
    if (guardrail) entry.guardrail = guardrail;
    if (signal) {
      entry.signal = signal;
      if (!lane.rate.allow(Date.parse(signal.ts), options.rateLimitPerMinute ?? 6)) entry.rateLimited = true;
    }
  }
  appendLinesDurably(live.journal, encodeLine(entry));
  count(live.record.counts, entry);
  const emitted = entry.signal && !entry.rateLimited ? entry.signal : undefined;
  stats.bar(
    {
      ts: event.bar.ts,
      refused: entry.refused !== undefined,
      tier: emitted?.tier,
      blocked: entry.guardrail !== undefined,
    },
    { inferenceSeconds, barSeconds: (performance.now() - arrived) / 1000 },
  );
  if (switched) {
    logger.info({ session: live.record.id, symbol: lane.symbol, ...switched }, 'dry run: model switched');
    await options.onModelSwitch?.({
      ...switched,
      session: live.record.id,
      seq: entry.seq,
      symbol: lane.symbol,
      model: lane.watch.active.name,
      barTs: event.bar.ts,
    });
  }
  if (emitted) options.onSignal?.(emitted);
  await options.onEntry?.(entry, live.record);
  if (!entry.refused && lane.used % (options.snapshotEvery ?? 500) === 0) snapshot(live);
}

/** Ends this call's part of the session: status, snapshots, session.json, runtime.json. */
function pause(live: Live, stats: RuntimeRecorder, status: SessionRecord['status'], reason: string): void {
  live.record.status = status;
  live.record.stopReason = reason;
  rmSync(join(live.dir, STOP_FILE), { force: true });
  snapshot(live);
  stats.flush();
}

function snapshot(live: Live): void {
  const symbols = live.lanes.map((l) => l.symbol);
  for (const lane of live.lanes) writeSnapshot(laneDir(live.dir, symbols, lane.symbol), lane.simulation.finish());
  writeSession(live.dir, live.record);
}

function rowOf(bar: FeedBar): JournalEntry['bar'] {
  return [bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume];
}
