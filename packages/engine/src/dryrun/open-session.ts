import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BuffError, readJournalForAppend, timeframeMs } from '@buff/core';
import { parseRunConfig, type RunConfigInput } from '../run-config.js';
import type { DryRunOptions } from './dry-run-options.js';
import type { JournalEntry } from './journal-entry.js';
import { count } from './session-counts.js';
import { laneConfig, openLane, useBar, type Lane, type ModelRefInput } from './lane.js';
import { openFeed } from './open-feed.js';
import type { SessionFeed } from './session-feed.js';
import { JOURNAL_FILE, readSession, sessionDir, writeSession, type SessionRecord } from './session-files.js';

/** What a session holds in memory: its record, lanes (one per symbol), feed and journal. */
export interface Live {
  record: SessionRecord;
  dir: string;
  journal: string;
  lanes: Lane[];
  feed: SessionFeed;
  stepMs: number;
}

/** Signals per minute per symbol when a new session is given none. */
export const DEFAULT_RATE_LIMIT = 6;

const NO_COUNTS = { bars: 0, used: 0, refused: 0, gaps: 0, signals: 0, rateLimited: 0, modelSwitches: 0 };

/**
 * Creates or resumes a session: one lane per symbol (each prepared as `buff run build` of that
 * symbol would be), the journal re-stepped, the feed opened at the next unprocessed bar.
 * @example const live = await openSession(options);
 */
export async function openSession(options: DryRunOptions): Promise<Live> {
  const previous = options.session ? readSession(options.runsRoot, options.session) : undefined;
  if (previous?.status === 'running') {
    throw new BuffError('CONFLICT', `dry-run session ${previous.id} is running (pid ${previous.pid})`, {
      details: { key: 'session', value: previous.id, rule: 'SESSION_RUNNING' },
    });
  }
  const configInput = (previous?.config ?? options.config) as RunConfigInput | undefined;
  if (configInput === undefined) {
    throw new BuffError('INVALID_INPUT', 'a new dry-run session needs a run config', { details: { key: 'config' } });
  }
  const base = parseRunConfig(configInput);
  requireModelSignal(base.strategy.name);
  const models = previous ? previous.models : options.models;
  checkModels(models, base.symbols);
  if (previous) checkResumeOptions(previous, options);
  const kind = previous?.feed.kind ?? options.feed ?? 'replay';
  const ccxt = previous?.feed.ccxt ?? options.ccxt;
  const laneInputs = base.symbols.map((symbol) => laneConfig(configInput, symbol, models?.[symbol]));
  const starts = laneInputs.map((input, i) => (previous ? pinnedTo(input, previous.lanes[i]?.model.version) : input));
  const prepared = starts.map((input) => parseRunConfig(input));
  const { entries } = previous
    ? readJournalForAppend<JournalEntry>(join(sessionDir(options.runsRoot, previous.id), JOURNAL_FILE))
    : { entries: [] };
  const stepMs = timeframeMs(base.timeframe);
  const feed = await openFeed({
    kind,
    lanes: prepared,
    dataRoot: options.dataRoot,
    resume: { seq: entries.length, lastTs: lastTimes(entries, base.symbols.length) },
    stepMs,
    ccxt,
    exchange: options.exchange,
    clock: options.clock,
  });
  const lanes: Lane[] = [];
  for (const [i, input] of starts.entries()) {
    lanes.push(
      await openLane(input, laneInputs[i] as RunConfigInput, feed.capacity[i] as number, options.resolveModel),
    );
  }
  const id = previous?.id ?? `dry-${randomBytes(8).toString('hex')}`;
  const dir = sessionDir(options.runsRoot, id);
  const record: SessionRecord = {
    schemaVersion: 1,
    kind: 'dryrun',
    id,
    status: 'running',
    pid: process.pid,
    symbol: lanes[0]?.symbol as string,
    lanes: lanes.map((l) => ({ symbol: l.symbol, model: l.watch.initial })),
    feed: { kind, bars: feed.total ?? null, ...(ccxt ? { ccxt } : {}) },
    config: configInput as Record<string, unknown>,
    ...(models ? { models } : {}),
    model: (lanes[0] as Lane).watch.initial,
    ...crashesOf(previous, entries.length),
    rateLimitPerMinute: previous?.rateLimitPerMinute ?? options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT,
    counts: { ...NO_COUNTS },
    journalBytes: 0,
  };
  const live: Live = { record, dir, journal: join(dir, JOURNAL_FILE), lanes, feed, stepMs };
  writeSession(dir, record);
  await replayJournal(live, entries);
  return live;
}

/** Re-steps the journal's used bars (and model switches) exactly as they were handled. */
async function replayJournal(live: Live, entries: JournalEntry[]): Promise<void> {
  for (const entry of entries) {
    const lane = live.lanes[entry.lane ?? 0] as Lane;
    if (entry.switchTo) await lane.watch.switchTo(lane.simulation, entry.switchTo.version);
    if (!entry.refused) {
      const [ts, open, high, low, close, volume] = entry.bar;
      useBar(lane, { ts, open, high, low, close, volume });
    }
    if (entry.signal && !entry.rateLimited) lane.rate.allow(Date.parse(entry.signal.ts), Number.POSITIVE_INFINITY);
    count(live.record.counts, entry);
  }
}

/** Each lane's newest journaled bar time (refused bars too: a live feed must not fetch them again). */
function lastTimes(entries: JournalEntry[], lanes: number): number[] {
  const last = Array.from({ length: lanes }, () => Number.NaN);
  for (const e of entries) {
    const i = e.lane ?? 0;
    const ts = e.bar[0];
    if (Number.isFinite(ts) && !(ts <= (last[i] as number))) last[i] = ts;
  }
  return last;
}

/** A resumed lane starts from the model version it started with (switches come from its journal). */
function pinnedTo(input: RunConfigInput, version: number | undefined): RunConfigInput {
  if (version === undefined) return input;
  const config = input as RunConfigInput & { strategy: { params: { model: Record<string, unknown> } } };
  const model = { ...config.strategy.params.model, version };
  return { ...config, strategy: { ...config.strategy, params: { ...config.strategy.params, model } } };
}

/**
 * A resumed session keeps what it was started with: a feed or rate limit given again must be the
 * stored one (a different one is refused, naming the option and the stored value, not silently ignored).
 */
function checkResumeOptions(previous: SessionRecord, options: DryRunOptions): void {
  const stored: Array<[string, string, unknown, unknown]> = [
    ['feed', 'feed', previous.feed.kind, options.feed],
    ['rate-limit', 'rateLimitPerMinute', previous.rateLimitPerMinute, options.rateLimitPerMinute],
  ];
  for (const [option, key, kept, given] of stored) {
    if (given === undefined || kept === undefined || given === kept) continue;
    throw new BuffError(
      'INVALID_INPUT',
      `dry-run session ${previous.id} was started with --${option} ${String(kept)} (stored in its session.json); ` +
        `resume it without --${option} (or with --${option} ${String(kept)}), or start a new session for --${option} ${String(given)}`,
      { details: { key, value: String(given), rule: 'SESSION_OPTION_MISMATCH' } },
    );
  }
}

/** The deaths a session went through: the ones recorded, and the one this resume finds (status crashed). */
function crashesOf(previous: SessionRecord | undefined, bars: number): Pick<SessionRecord, 'crashes'> {
  const crashes = [...(previous?.crashes ?? [])];
  if (previous?.status === 'crashed') crashes.push({ pid: previous.pid, bars });
  return crashes.length > 0 ? { crashes } : {};
}

function requireModelSignal(name: string): void {
  if (name !== 'model-signal') {
    throw new BuffError('INVALID_CONFIG', `a dry run emits model signals: strategy must be model-signal, not ${name}`, {
      details: { key: 'strategy.name', value: name, rule: 'MODEL_SIGNAL' },
    });
  }
}

function checkModels(models: Record<string, ModelRefInput> | undefined, symbols: string[]): void {
  for (const symbol of Object.keys(models ?? {})) {
    if (!symbols.includes(symbol)) {
      throw new BuffError(
        'INVALID_CONFIG',
        `a model is given for ${symbol}, which is not in symbols (${symbols.join(', ')})`,
        {
          details: { key: `dryrun.models.${symbol}`, value: symbol, rule: 'MODEL_FOR_UNKNOWN_SYMBOL' },
        },
      );
    }
  }
}
