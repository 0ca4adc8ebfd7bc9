import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  allocateBars,
  appendLinesDurably,
  BuffError,
  encodeLine,
  readJournalForAppend,
  silentLogger,
  timeframeMs,
  type Bars,
  type Logger,
} from '@buff/core';
import { prepareRun, simulationInputOf, type PreparedRun } from '../prepare-run.js';
import type { RunConfig, RunConfigInput } from '../run-config.js';
import { Simulation } from '../simulation.js';
import type { ModelResolver } from '../strategy.js';
import { checkFeedBar } from './feed-bar-check.js';
import { feedBars, type FeedKind } from './dry-run-feed.js';
import type { JournalEntry, SignalRecord } from './journal-entry.js';
import { ModelWatch } from './model-watch.js';
import { RateLimit, signalAt } from './signals.js';
import { writeSnapshot } from './snapshot.js';
import {
  JOURNAL_FILE,
  readSession,
  sessionDir,
  STOP_FILE,
  writeSession,
  type SessionCounts,
  type SessionRecord,
} from './session-files.js';

export interface DryRunOptions {
  runsRoot: string;
  dataRoot: string;
  /** Resume this session (its config and feed come from its session.json). */
  session?: string | undefined;
  /** A new session's run config (strategy model-signal, one symbol). */
  config?: RunConfig | RunConfigInput | undefined;
  feed?: FeedKind | undefined;
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
}

export interface DryRunResult {
  sessionId: string;
  dir: string;
  status: SessionRecord['status'];
  stopReason?: string | undefined;
  counts: SessionCounts;
}

/** What a session needs in memory: the feed, the simulation over a buffer the feed fills, the journal. */
interface Live {
  record: SessionRecord;
  dir: string;
  journal: string;
  bars: Bars;
  buffer: Bars;
  used: number;
  lastTs: number;
  stepMs: number;
  simulation: Simulation;
  watch: ModelWatch;
  rate: RateLimit;
}

/**
 * Runs (or resumes) a dry-run session: each feed bar passes the ingest rules, then the model-signal
 * strategy, the simulator steps and the guardrails of the backtest (the same Simulation), a rate
 * limit and the kill switch. Every handled bar is one checksummed, fsynced journal line; a resumed
 * session re-steps its journal's bars (bit-identical) and continues at the next unprocessed bar,
 * so a SIGKILL at any moment loses no signal and duplicates none.
 * @example const r = await runDryRun({ runsRoot, dataRoot, config, feed: 'replay', resolveModel, killSwitchOn });
 */
export async function runDryRun(options: DryRunOptions): Promise<DryRunResult> {
  const logger = options.logger ?? silentLogger();
  const live = await openSession(options);
  const { record } = live;
  logger.info({ session: record.id, resumedAt: live.record.counts.bars }, 'dry run: session open');
  await options.onOpen?.(record, live.dir);
  const limit = options.iterations ?? Number.POSITIVE_INFINITY;
  let handled = 0;
  let stopReason: string | undefined;
  let seq = record.counts.bars;
  for (; seq < live.bars.ts.length && handled < limit; seq++, handled++) {
    if (existsSync(join(live.dir, STOP_FILE))) stopReason = 'stop requested';
    else if (options.killSwitchOn()) stopReason = 'kill switch on';
    if (stopReason) break;
    const entry = await handleBar(live, seq, options, logger);
    appendLinesDurably(live.journal, encodeLine(entry));
    count(record.counts, entry);
    if (entry.signal && !entry.rateLimited) options.onSignal?.(entry.signal);
    await options.onEntry?.(entry, record);
    if (!entry.refused && live.used % (options.snapshotEvery ?? 500) === 0) snapshot(live);
    if (options.sleepMs && handled + 1 < limit) await sleep(options.sleepMs);
  }
  const done = seq >= live.bars.ts.length;
  record.status = done ? 'completed' : 'stopped';
  record.stopReason = done ? 'feed exhausted' : (stopReason ?? `${handled} iterations done`);
  rmSync(join(live.dir, STOP_FILE), { force: true });
  snapshot(live);
  logger.info({ session: record.id, status: record.status, counts: record.counts }, 'dry run: session paused');
  return {
    sessionId: record.id,
    dir: live.dir,
    status: record.status,
    stopReason: record.stopReason,
    counts: record.counts,
  };
}

function snapshot(live: Live): void {
  writeSnapshot(live.dir, live.simulation.finish());
  writeSession(live.dir, live.record);
}

async function handleBar(live: Live, seq: number, options: DryRunOptions, logger: Logger): Promise<JournalEntry> {
  const b = live.bars;
  const entry: JournalEntry = {
    seq,
    bar: [b.ts[seq], b.open[seq], b.high[seq], b.low[seq], b.close[seq], b.volume[seq]] as JournalEntry['bar'],
  };
  const switched = await live.watch.poll(live.simulation);
  if (switched) entry.switchTo = switched;
  const rule = checkFeedBar(barOf(entry), live.lastTs, live.stepMs);
  if (rule !== undefined && rule !== 'GAP') {
    entry.refused = rule;
    logger.warn({ session: live.record.id, seq, ts: entry.bar[0], rule }, 'dry run: feed bar refused');
    return entry;
  }
  if (rule === 'GAP') entry.gap = true;
  const signal = useBar(live, entry);
  if (signal) {
    entry.signal = signal;
    if (!live.rate.allow(Date.parse(signal.ts), options.rateLimitPerMinute ?? 6)) entry.rateLimited = true;
  }
  return entry;
}

/** Puts a checked bar into the buffer and steps the simulation over it; the signal it gave, if any. */
function useBar(live: Live, entry: JournalEntry): SignalRecord | undefined {
  const [ts, open, high, low, close, volume] = entry.bar;
  const n = live.used;
  const { buffer } = live;
  buffer.ts[n] = ts;
  buffer.open[n] = open;
  buffer.high[n] = high;
  buffer.low[n] = low;
  buffer.close[n] = close;
  buffer.volume[n] = volume;
  live.simulation.step(n);
  live.used = n + 1;
  live.lastTs = ts;
  return signalAt(live.simulation, live.simulation.rows - 1, live.watch.active);
}

function barOf(entry: JournalEntry) {
  const [ts, open, high, low, close, volume] = entry.bar;
  return { ts, open, high, low, close, volume };
}

function count(counts: SessionCounts, entry: JournalEntry): void {
  counts.bars++;
  if (entry.refused) counts.refused++;
  else counts.used++;
  if (entry.gap) counts.gaps++;
  if (entry.switchTo) counts.modelSwitches++;
  if (entry.signal && entry.rateLimited) counts.rateLimited++;
  else if (entry.signal) counts.signals++;
}

/** Creates or resumes the session and re-steps the bars its journal already holds. */
async function openSession(options: DryRunOptions): Promise<Live> {
  const previous = options.session ? readSession(options.runsRoot, options.session) : undefined;
  if (previous?.status === 'running') {
    throw new BuffError('CONFLICT', `dry-run session ${previous.id} is running (pid ${previous.pid})`, {
      details: { key: 'session', value: previous.id, rule: 'SESSION_RUNNING' },
    });
  }
  const configInput = previous ? pinnedTo(previous) : options.config;
  if (configInput === undefined) {
    throw new BuffError('INVALID_INPUT', 'a new dry-run session needs a run config', { details: { key: 'config' } });
  }
  const prepared = await prepareRun(configInput as RunConfigInput, { resolveModel: options.resolveModel });
  requireModelSignal(prepared);
  const kind = previous?.feed.kind ?? options.feed ?? 'replay';
  const bars = await feedBars(kind, prepared.config, options.dataRoot);
  const id = previous?.id ?? `dry-${randomBytes(8).toString('hex')}`;
  const dir = sessionDir(options.runsRoot, id);
  const buffer = allocateBars(bars.ts.length);
  const simulation = new Simulation(simulationInputOf(prepared, [buffer]));
  const watch = new ModelWatch((previous?.config ?? configInput) as RunConfigInput, prepared, options.resolveModel);
  const record: SessionRecord = {
    schemaVersion: 1,
    kind: 'dryrun',
    id,
    status: 'running',
    pid: process.pid,
    symbol: prepared.config.symbols[0] as string,
    feed: { kind, bars: bars.ts.length },
    config: (previous?.config ?? configInput) as Record<string, unknown>,
    model: watch.initial,
    counts: { bars: 0, used: 0, refused: 0, gaps: 0, signals: 0, rateLimited: 0, modelSwitches: 0 },
  };
  const live: Live = {
    record,
    dir,
    journal: join(dir, JOURNAL_FILE),
    bars,
    buffer,
    used: 0,
    lastTs: Number.NaN,
    stepMs: timeframeMs(prepared.config.timeframe),
    simulation,
    watch,
    rate: new RateLimit(),
  };
  writeSession(dir, record);
  await replayJournal(live);
  return live;
}

/** Re-steps the journal's used bars (and model switches) exactly as they were handled. */
async function replayJournal(live: Live): Promise<void> {
  const { entries } = readJournalForAppend<JournalEntry>(live.journal);
  for (const entry of entries) {
    if (entry.switchTo) await live.watch.switchTo(live.simulation, entry.switchTo.version);
    if (!entry.refused) useBar(live, entry);
    if (entry.signal && !entry.rateLimited) live.rate.allow(Date.parse(entry.signal.ts), Number.POSITIVE_INFINITY);
    count(live.record.counts, entry);
  }
}

/** A resumed session starts from the model version it started with (switches come from its journal). */
function pinnedTo(previous: SessionRecord): RunConfigInput {
  const config = previous.config as RunConfigInput & { strategy: { params: { model: Record<string, unknown> } } };
  const model = { ...config.strategy.params.model, version: previous.model.version };
  return { ...config, strategy: { ...config.strategy, params: { ...config.strategy.params, model } } };
}

function requireModelSignal(prepared: PreparedRun): void {
  if (prepared.config.strategy.name !== 'model-signal') {
    throw new BuffError(
      'INVALID_CONFIG',
      `a dry run emits model signals: strategy must be model-signal, not ${prepared.config.strategy.name}`,
      {
        details: { key: 'strategy.name', value: prepared.config.strategy.name, rule: 'MODEL_SIGNAL' },
      },
    );
  }
}
