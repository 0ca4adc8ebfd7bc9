import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { decodeLines } from '@buff/core';
import { createDayClock } from '../day-clock.js';
import { OUTBOX_FILE } from '../notify/outbox.js';
import type { DecisionRow, TradeRow } from './observed-run.js';

/** Actions that change the position: each is a signal. */
const SIGNAL_ACTIONS = new Set(['enter_long', 'enter_short', 'exit', 'reverse_to_long', 'reverse_to_short', 'flatten']);
export const TIER_NAMES = ['low', 'medium', 'high'] as const;

/** The decisions that are signals. */
export function signalsOf(decisions: readonly DecisionRow[]): DecisionRow[] {
  return decisions.filter((d) => SIGNAL_ACTIONS.has(d.action));
}

/** Percent of trades with a positive P&L (NaN without trades). */
export function winRatePct(trades: readonly TradeRow[]): number {
  return trades.length === 0 ? Number.NaN : (100 * trades.filter((t) => t.pnl > 0).length) / trades.length;
}

/** Percent of signals per tier (low, medium, high); zeros without signals. */
export function tierSharesPct(decisions: readonly DecisionRow[]): [number, number, number] {
  const signals = signalsOf(decisions);
  const counts = [0, 1, 2].map((tier) => signals.filter((d) => d.tier === tier).length);
  return counts.map((c) => (signals.length === 0 ? 0 : (100 * c) / signals.length)) as [number, number, number];
}

/** The local day (YYYY-MM-DD in `timezone`) of each time, with a cached day clock. */
export function dayNamer(timezone: string): (ts: number) => string {
  const clock = createDayClock(timezone);
  const names = new Map<number, string>();
  return (ts) => {
    const start = clock.dayStart(ts);
    let name = names.get(start);
    if (name === undefined) {
      name = DateTime.fromMillis(start, { zone: timezone }).toISODate() as string;
      names.set(start, name);
    }
    return name;
  };
}

/** What the session's outbox says was notified. */
export interface OutboxSummary {
  notifiers: string[];
  /** High-tier signal notifications queued, and delivered per notifier. */
  signalsQueued: number;
  signalsDelivered: Record<string, number>;
  crashes: number;
  guardrailBlocks: number;
}

type OutboxLine =
  | { op: 'queued'; notification: { key: string; event: { kind: string; state?: string } }; to: string[] }
  | { op: 'sending'; key: string; to: string }
  | { op: 'delivered'; key: string; to: string }
  | { op: 'failed'; key: string; to: string };

/**
 * Reads a session's notification outbox (undefined when the session had no notifier).
 * @example outboxSummary('runs/dryrun/dry-0123456789abcdef')?.signalsDelivered.telegram
 */
export function outboxSummary(dir: string): OutboxSummary | undefined {
  const path = join(dir, OUTBOX_FILE);
  if (!existsSync(path)) return undefined;
  const lines = decodeLines<OutboxLine>(readFileSync(path)).entries;
  const kinds = new Map<string, { kind: string; state?: string | undefined }>();
  const notifiers = new Set<string>();
  const summary: OutboxSummary = {
    notifiers: [],
    signalsQueued: 0,
    signalsDelivered: {},
    crashes: 0,
    guardrailBlocks: 0,
  };
  for (const line of lines) {
    if (line.op === 'queued') {
      const { event, key } = line.notification;
      kinds.set(key, event);
      for (const n of line.to) notifiers.add(n);
      if (event.kind === 'signal') summary.signalsQueued++;
      if (event.kind === 'session' && event.state === 'crash') summary.crashes++;
      if (event.kind === 'guardrail-block') summary.guardrailBlocks++;
    } else if (line.op === 'delivered' && kinds.get(line.key)?.kind === 'signal')
      summary.signalsDelivered[line.to] = (summary.signalsDelivered[line.to] ?? 0) + 1;
  }
  summary.notifiers = [...notifiers].sort();
  return summary;
}
