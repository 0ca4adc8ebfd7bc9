import { DateTime } from 'luxon';
import { createDayClock, type DayClock } from '../day-clock.js';
import type { SignalRecord } from '../dryrun/journal-entry.js';
import { idempotencyKey, NotificationSchema, type Notification, type NotifyEvent } from './notify-event.js';

/** The part of a dry-run journal line that notifications read. */
export interface NoticeEntry {
  seq: number;
  bar: readonly number[];
  refused?: string | undefined;
  signal?: SignalRecord | undefined;
  rateLimited?: true | undefined;
  /** The guardrail that blocked or closed a position at this bar. */
  guardrail?: string | undefined;
}

interface DayCounts {
  day: string;
  signals: number;
  highTier: number;
  blocked: number;
}

/**
 * Turns a session's journal lines, in order, into the notifications they imply: each emitted
 * signal, the first guardrail block per symbol, rule and day, and a daily summary when the bars
 * cross midnight in the guardrails' time zone. Every event and key comes from the journal alone
 * (bar times, never the clock), so re-reading a journal after a crash yields the same keys and the
 * outbox delivers each notification once.
 * @example
 * const notices = new SessionNotices('dry-0123456789abcdef', 'Europe/Prague');
 * for (const entry of entries) for (const n of notices.of(entry, 'BTC-USD')) outbox.enqueue(n);
 */
export class SessionNotices {
  private readonly clock: DayClock;
  private current: DayCounts | undefined;
  private readonly blockedToday = new Set<string>();

  constructor(
    private readonly sessionId: string,
    private readonly timezone: string,
  ) {
    this.clock = createDayClock(timezone);
  }

  /** The notifications of one journal line (`symbol`: its lane's symbol). */
  of(entry: NoticeEntry, symbol: string): Notification[] {
    if (entry.refused !== undefined) return [];
    const ts = entry.bar[0] as number;
    const out: NotifyEvent[] = [];
    const day = this.dayOf(ts);
    if (this.current === undefined || day > this.current.day) {
      if (this.current !== undefined) out.push(this.summaryOf(this.current));
      this.current = { day, signals: 0, highTier: 0, blocked: 0 };
      this.blockedToday.clear();
    }
    const today = this.current;
    if (entry.guardrail) {
      today.blocked++;
      const first = `${symbol} ${entry.guardrail}`;
      if (!this.blockedToday.has(first)) {
        this.blockedToday.add(first);
        out.push(this.blockOf(entry.guardrail, ts, symbol, day));
      }
    }
    if (entry.signal && !entry.rateLimited) {
      today.signals++;
      if (entry.signal.tier === 'high') today.highTier++;
      out.push(this.signalOf(entry.signal));
    }
    return out.map((event) => NotificationSchema.parse({ key: idempotencyKey(event), event }));
  }

  private dayOf(ts: number): string {
    return DateTime.fromMillis(this.clock.dayStart(ts), { zone: this.timezone }).toISODate() as string;
  }

  private summaryOf(counts: DayCounts): NotifyEvent {
    return { kind: 'daily-summary', sessionId: this.sessionId, ...counts };
  }

  private blockOf(rule: string, ts: number, symbol: string, day: string): NotifyEvent {
    return {
      kind: 'guardrail-block',
      rule,
      reason: `${rule} blocked ${symbol} at ${new Date(ts).toISOString()} (first block of ${day}, ${this.timezone})`,
      at: new Date(ts).toISOString(),
      symbol,
      sessionId: this.sessionId,
    };
  }

  private signalOf(signal: SignalRecord): NotifyEvent {
    const tier = signal.tier === 'high' || signal.tier === 'medium' ? signal.tier : 'low';
    return {
      kind: 'signal',
      tier,
      symbol: signal.symbol,
      side: signal.direction > 0 ? 'long' : signal.direction < 0 ? 'short' : 'flat',
      confidence: Number.isFinite(signal.confidence) ? Math.min(1, Math.max(0, signal.confidence)) : 0,
      barTs: signal.ts,
      model: `${signal.model} v${signal.version}`,
      sessionId: this.sessionId,
    };
  }
}
