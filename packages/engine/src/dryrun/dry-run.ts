import { existsSync, rmSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { appendLinesDurably, encodeLine, silentLogger, type Logger } from '@buff/core';
import type { DryRunOptions, DryRunResult } from './dry-run-options.js';
import { checkFeedBar, type FeedBar } from './feed-bar-check.js';
import type { JournalEntry, ModelSwitch, SignalRecord } from './journal-entry.js';
import { laneGuardrail } from './guardrail-state.js';
import { laneBackend, useBar } from './lane.js';
import { rateLimited } from './signals.js';
import type { FeedEvent } from './session-feed.js';
import { DEFAULT_RATE_LIMIT, openSession, type Live } from './open-session.js';
import { RuntimeRecorder } from './runtime-stats.js';
import { count } from './session-counts.js';
import { SnapshotWriter } from './snapshot.js';
import { laneDir, STOP_FILE, writeSession, type SessionRecord } from './session-files.js';

/**
 * Runs (or resumes) a dry-run session: each feed bar passes the ingest rules, then its lane's
 * model-signal strategy, simulator step and guardrails (the backtest's Simulation, one per symbol),
 * a rate limit and the kill switch. Every handled bar is one checksummed, fsynced journal line; a
 * resumed session re-steps its journal's bars (bit-identical) and continues at the next unprocessed
 * bar, so a SIGKILL at any moment loses no signal and duplicates none.
 * @example const r = await runDryRun({ runsRoot, dataRoot, config, feed: 'replay', resolveModel, killSwitchOn });
 */
export async function runDryRun(options: DryRunOptions): Promise<DryRunResult> {
  const live = await openSession(options);
  const { record } = live;
  // every line of this session carries its id (JSON on stderr from the CLI)
  const logger = (options.logger ?? silentLogger()).child({ sessionId: record.id });
  if (options.session) logger.info({ resumedAt: record.counts.bars }, 'dry run: session resumed');
  else logger.info({ symbols: record.lanes.map((l) => l.symbol), feed: record.feed.kind }, 'dry run: session open');
  const stats = new RuntimeRecorder(live.dir, live.stepMs, undefined, () => live.lanes.map(laneGuardrail));
  await options.onOpen?.(record, live.dir);
  const limit = options.iterations ?? Number.POSITIVE_INFINITY;
  let handled = 0;
  let stopReason: string | undefined;
  const stopFile = join(live.dir, STOP_FILE);
  // the kill switch before every bar; a stop request (`buff dryrun stop`) before every round of bars
  const killed = (): boolean => {
    if (stopReason === undefined && options.killSwitchOn()) stopReason = 'kill switch on';
    return stopReason !== undefined;
  };
  const stopRequested = (): boolean => {
    if (stopReason === undefined && existsSync(stopFile)) stopReason = 'stop requested';
    return killed();
  };
  let ended = false;
  try {
    while (handled < limit && !stopRequested()) {
      const room = Math.min(batchLimit(live, options), limit - handled);
      const { batch, over, failure } = await stepBatch(live, { room, stopRequested, killed }, options, logger);
      await commitBatch(live, batch, options, stats, logger);
      handled += batch.length;
      if (failure !== undefined) throw failure;
      if (over) {
        ended = stopReason === undefined;
        break;
      }
      if (options.sleepMs && handled < limit) await sleep(options.sleepMs);
    }
  } catch (err) {
    pause(live, stats, 'stopped', `error: ${err instanceof Error ? err.message : String(err)}`);
    logger.error({ err }, 'dry run: session failed');
    throw err;
  }
  pause(
    live,
    stats,
    ended ? 'completed' : 'stopped',
    ended ? 'feed exhausted' : (stopReason ?? `${handled} iterations done`),
  );
  if (stopReason === 'kill switch on')
    logger.warn({ bars: record.counts.bars }, 'dry run: kill switch on, session stopped');
  logger.info(
    { status: record.status, stopReason: record.stopReason, counts: record.counts },
    'dry run: session paused',
  );
  return {
    sessionId: record.id,
    dir: live.dir,
    status: record.status,
    stopReason: record.stopReason,
    counts: record.counts,
    backend: [...new Set(live.lanes.map(laneBackend))].join(','),
  };
}

/** Most bars one group commit of an unpaced stored feed holds. */
const GROUP_COMMIT_BARS = 256;

/** Whether the bars come as they happen (a live or paced feed): then a group commit holds one bar time. */
function paced(live: Live, options: DryRunOptions): boolean {
  return Boolean(options.sleepMs) || live.feed.total === undefined;
}

function batchLimit(live: Live, options: DryRunOptions): number {
  return paced(live, options) ? Number.POSITIVE_INFINITY : GROUP_COMMIT_BARS;
}

/** One stepped bar waiting for its journal line to be durable. */
interface Stepped {
  entry: JournalEntry;
  ts: number;
  arrived: number;
  inferenceSeconds: number | undefined;
  switched: ModelSwitch | undefined;
  emitted: SignalRecord | undefined;
  /** Bars its lane had used after it (the snapshot cadence). */
  used: number;
  /** The lane's guardrails started or stopped blocking entries at this bar. */
  block: BlockChange | undefined;
}

/** A lane's guardrail state changed: `rule` blocks entries now (undefined: the block is over). */
interface BlockChange {
  rule: string | undefined;
  equity: number;
  dailyFloor: number;
  totalFloor: number;
}

/**
 * Steps one round of bars (at most `room`, stopping at once on a stop request): for a live or
 * paced feed, the bars of one bar time that it holds (a minute of every lane), else the bars a
 * stored feed holds. Nothing leaves the process yet. A failing bar ends the batch; the bars before
 * it still commit.
 */
async function stepBatch(
  live: Live,
  { room, stopRequested, killed }: { room: number; stopRequested(): boolean; killed(): boolean },
  options: DryRunOptions,
  logger: Logger,
): Promise<{ batch: Stepped[]; over: boolean; failure?: unknown }> {
  const batch: Stepped[] = [];
  const oneTime = paced(live, options);
  try {
    for (;;) {
      const event = await live.feed.next(stopRequested);
      if (event === undefined) return { batch, over: true };
      batch.push(await stepEvent(live, event, options, logger));
      if (batch.length >= room || killed()) break;
      if (oneTime && live.feed.ready() !== event.bar.ts) break;
    }
  } catch (failure) {
    return { batch, over: false, failure };
  }
  return { batch, over: false };
}

/** One feed bar: checked, used by its lane, counted; its journal entry, not yet written. */
async function stepEvent(live: Live, event: FeedEvent, _options: DryRunOptions, logger: Logger): Promise<Stepped> {
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
      { seq: entry.seq, symbol: lane.symbol, ts: new Date(event.bar.ts).toISOString(), rule },
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
      const perMinute = live.record.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT;
      if (!lane.rate.allow(Date.parse(signal.ts), perMinute)) Object.assign(entry, rateLimited(perMinute));
    }
  }
  count(live.record.counts, entry);
  const emitted = entry.signal && !entry.rateLimited ? entry.signal : undefined;
  const block = rule !== undefined && rule !== 'GAP' ? undefined : blockChange(lane);
  return { entry, ts: event.bar.ts, arrived, inferenceSeconds, switched, emitted, used: lane.used, block };
}

/**
 * Group commit: the batch's journal lines in one write and one fsync, and only then anything
 * outside the process sees them (switch audit, signals, entry hooks, snapshots). A SIGKILL before
 * the fsync loses the whole batch from the journal, and resume steps those bars again.
 */
async function commitBatch(
  live: Live,
  batch: Stepped[],
  options: DryRunOptions,
  stats: RuntimeRecorder,
  logger: Logger,
): Promise<void> {
  if (batch.length === 0) return;
  appendLinesDurably(live.journal, batch.map((s) => encodeLine(s.entry)).join(''));
  const durable = performance.now();
  let snapshotDue = false;
  for (const s of batch) {
    const { entry, emitted, switched } = s;
    const lane = live.lanes[entry.lane ?? 0] as Live['lanes'][number];
    stats.bar(
      { ts: s.ts, refused: entry.refused !== undefined, tier: emitted?.tier, blocked: entry.guardrail !== undefined },
      { inferenceSeconds: s.inferenceSeconds, barSeconds: (durable - s.arrived) / 1000 },
    );
    if (switched) {
      logger.info({ seq: entry.seq, symbol: lane.symbol, ...switched }, 'dry run: model switched');
      await options.onModelSwitch?.({
        ...switched,
        session: live.record.id,
        seq: entry.seq,
        symbol: lane.symbol,
        model: lane.watch.active.name,
        barTs: s.ts,
      });
    }
    if (s.block) logBlock(logger, lane.symbol, entry.seq, s.ts, s.block);
    if (entry.rateLimited)
      logger.warn(
        { seq: entry.seq, symbol: lane.symbol, ts: entry.signal?.ts, reason: entry.suppressed },
        'dry run: signal rate-limited',
      );
    if (emitted) options.onSignal?.(emitted);
    await options.onEntry?.(entry, live.record);
    if (!entry.refused && s.used % (options.snapshotEvery ?? 500) === 0) snapshotDue = true;
  }
  if (snapshotDue) snapshot(live, 'append');
}

/** The lane's block state after its last bar, when it differs from the one before (a breach, a new day). */
function blockChange(lane: Live['lanes'][number]): BlockChange | undefined {
  const g = lane.simulation.guardrailState();
  const rule = g.stopped ? 'max_total_loss' : g.dailyBreached ? 'max_daily_loss' : undefined;
  if (rule === lane.blocking) return undefined;
  lane.blocking = rule;
  return { rule, equity: g.equity, dailyFloor: g.dailyFloor, totalFloor: g.totalFloor };
}

function logBlock(logger: Logger, symbol: string, seq: number, ts: number, b: BlockChange): void {
  const at = { seq, symbol, ts: new Date(ts).toISOString(), equity: b.equity, dailyFloor: b.dailyFloor };
  if (b.rule === undefined) logger.info(at, 'dry run: guardrail block over (new day)');
  else logger.warn({ ...at, rule: b.rule, totalFloor: b.totalFloor }, 'dry run: guardrail block');
}

/** Ends this call's part of the session: status, snapshots, session.json, runtime.json. */
function pause(live: Live, stats: RuntimeRecorder, status: SessionRecord['status'], reason: string): void {
  live.record.status = status;
  live.record.stopReason = reason;
  rmSync(join(live.dir, STOP_FILE), { force: true });
  snapshot(live, 'compact');
  stats.flush();
}

/** Each lane's snapshot writer (the rows it has on disk), made at the session's first snapshot in this process. */
const snapshotWriters = new WeakMap<Live, SnapshotWriter[]>();

/**
 * Every lane's snapshot, then session.json: while the session runs, a part per table with the rows
 * since the last one (O(new rows): the process stays flat however long it runs); when this process
 * pauses it, the whole tables (a completed replay's are `buff run build`'s bytes).
 */
function snapshot(live: Live, how: 'append' | 'compact'): void {
  const symbols = live.lanes.map((l) => l.symbol);
  const writers =
    snapshotWriters.get(live) ?? live.lanes.map((lane) => new SnapshotWriter(laneDir(live.dir, symbols, lane.symbol)));
  snapshotWriters.set(live, writers);
  live.lanes.forEach((lane, i) => (writers[i] as SnapshotWriter)[how](lane.simulation.finish()));
  // the counts cover every committed journal line (this process is its only writer)
  live.record.journalBytes = existsSync(live.journal) ? statSync(live.journal).size : 0;
  writeSession(live.dir, live.record);
}

function rowOf(bar: FeedBar): JournalEntry['bar'] {
  return [bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume];
}
