import type { JournalEntry } from '@buff/engine';
import { type KillSwitchStatus, readKillSwitchSync } from '@buff/registry';

/** Signal actions that close a position: each one ends a simulated trade (as trades.arrow counts them). */
const CLOSING_ACTIONS = new Set(['exit', 'reverse_to_long', 'reverse_to_short', 'flatten']);

/** The last bar a guardrail blocked or closed a position at. */
export interface LastBlock {
  seq: number;
  /** Bar time (ISO). */
  ts: string;
  symbol: string;
  rule: string;
}

/**
 * What the live page shows of a session, counted from its journal (every line, not only the ones sent):
 * bars seen (used or refused), signals emitted, trades closed, refused and gap bars, and the guardrail
 * blocks by rule with the last one.
 */
export interface DryrunTally {
  bars: number;
  used: number;
  refused: number;
  gaps: number;
  signals: number;
  rateLimited: number;
  trades: number;
  modelSwitches: number;
  /** Bars a guardrail blocked or cut, by rule. */
  blocks: Record<string, number>;
  lastBlock: LastBlock | null;
}

/**
 * A tally with nothing counted yet.
 * @example const tally = emptyTally();
 */
export function emptyTally(): DryrunTally {
  return {
    bars: 0,
    used: 0,
    refused: 0,
    gaps: 0,
    signals: 0,
    rateLimited: 0,
    trades: 0,
    modelSwitches: 0,
    blocks: {},
    lastBlock: null,
  };
}

/**
 * Adds journal entries, in journal order, to `tally` (`symbols`: the session's lanes, to name a block's symbol).
 * @example tallyEntries(tally, readJournalFrom('runs', id).entries, ['BTC-USD']);
 */
export function tallyEntries(tally: DryrunTally, entries: readonly JournalEntry[], symbols: readonly string[]): void {
  for (const entry of entries) {
    // bars, used, refused, gaps, signals, rateLimited, modelSwitches as the engine counts them (session-counts.ts)
    tally.bars++;
    if (entry.refused) tally.refused++;
    else tally.used++;
    if (entry.gap) tally.gaps++;
    if (entry.switchTo) tally.modelSwitches++;
    if (entry.signal && entry.rateLimited) tally.rateLimited++;
    else if (entry.signal) tally.signals++;
    // a rate-limited signal is not emitted, but the simulated position changed all the same
    if (entry.signal && CLOSING_ACTIONS.has(entry.signal.action)) tally.trades++;
    if (entry.guardrail) {
      tally.blocks[entry.guardrail] = (tally.blocks[entry.guardrail] ?? 0) + 1;
      tally.lastBlock = {
        seq: entry.seq,
        ts: new Date(entry.bar[0]).toISOString(),
        symbol: symbols[entry.lane ?? 0] ?? '',
        rule: entry.guardrail,
      };
    }
  }
}

/**
 * The kill switch as the dry-run page states it (ON in capitals: it stops every session at its next bar).
 * @example killSwitchText(readKillSwitchSync('runs')) // 'off'
 */
export function killSwitchText(k: KillSwitchStatus): string {
  if (!k.on) return k.source === 'default' ? 'off' : `off (since ${k.changedAt} by ${k.actor})`;
  return `ON since ${k.changedAt || '?'} by ${k.actor || '?'}${k.reason ? `: ${k.reason}` : ''}`;
}

/**
 * The data of the stream's `live` event: the tally and the kill switch as it is now (with its text).
 * @example res.write(`event: live\ndata: ${liveJson(tally, 'runs')}\n\n`);
 */
export function liveJson(tally: DryrunTally, runsRoot: string): string {
  const kill = readKillSwitchSync(runsRoot);
  return JSON.stringify({ ...tally, killSwitch: { ...kill, text: killSwitchText(kill) } });
}
