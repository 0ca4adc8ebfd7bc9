import { describe, expect, it } from 'vitest';
import type { SignalRecord } from '../dryrun/journal-entry.js';
import { SessionNotices, type NoticeEntry } from './session-notices.js';

const SESSION = 'dry-0123456789abcdef';
const at = (iso: string) => Date.parse(iso);

function signal(ts: string, tier: string, direction = 1): SignalRecord {
  return {
    ts,
    symbol: 'BTC-USD',
    direction,
    action: direction > 0 ? 'enter_long' : 'enter_short',
    probability: 0.9,
    confidence: 0.8,
    tier,
    model: 'sig',
    version: 2,
    modelId: 'm',
    reason: 'model',
  };
}

function entry(seq: number, iso: string, extra: Partial<NoticeEntry> = {}): NoticeEntry {
  return { seq, bar: [at(iso), 1, 1, 1, 1, 1], ...extra };
}

// A day in Europe/Prague (CET in January) ends at 23:00 UTC.
const JOURNAL: NoticeEntry[] = [
  entry(0, '2024-01-04T21:58:00Z', { signal: signal('2024-01-04T21:58:00.000Z', 'high') }),
  entry(1, '2024-01-04T22:10:00Z', { signal: signal('2024-01-04T22:10:00.000Z', 'low', -1) }),
  entry(2, '2024-01-04T22:20:00Z', { guardrail: 'max_daily_loss' }),
  entry(3, '2024-01-04T22:21:00Z', { guardrail: 'max_daily_loss' }),
  entry(4, '2024-01-04T22:22:00Z', { signal: signal('2024-01-04T22:22:00.000Z', 'high'), rateLimited: true }),
  entry(5, '2024-01-04T22:59:00Z', { refused: 'DISORDER' }),
  entry(6, '2024-01-04T23:00:00Z', { guardrail: 'max_daily_loss' }),
];

describe('SessionNotices', () => {
  it('turns journal lines into signals, the first block per rule and day, and a summary at local midnight', () => {
    const notices = new SessionNotices(SESSION, 'Europe/Prague');
    const events = JOURNAL.flatMap((e) => notices.of(e, 'BTC-USD')).map((n) => n.event);
    expect(events.map((e) => e.kind)).toEqual([
      'signal',
      'signal',
      'guardrail-block',
      'daily-summary',
      'guardrail-block',
    ]);
    expect(events[0]).toMatchObject({ tier: 'high', side: 'long', symbol: 'BTC-USD', model: 'sig v2' });
    expect(events[1]).toMatchObject({ tier: 'low', side: 'short' });
    expect(events[2]).toMatchObject({ rule: 'max_daily_loss', at: '2024-01-04T22:20:00.000Z', sessionId: SESSION });
    // the rate-limited signal was not emitted, so it is neither sent nor counted
    expect(events[3]).toEqual({
      kind: 'daily-summary',
      sessionId: SESSION,
      day: '2024-01-04',
      signals: 2,
      highTier: 1,
      blocked: 2,
    });
    expect(events[4]).toMatchObject({ at: '2024-01-04T23:00:00.000Z' });
  });

  it('gives the same keys when the journal is read again (a resume after a crash)', () => {
    const keys = () => {
      const notices = new SessionNotices(SESSION, 'Europe/Prague');
      return JOURNAL.flatMap((e) => notices.of(e, 'BTC-USD')).map((n) => n.key);
    };
    const first = keys();
    expect(keys()).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('follows the time zone it is given: in UTC the same bars stay in one day', () => {
    const notices = new SessionNotices(SESSION, 'UTC');
    const kinds = JOURNAL.flatMap((e) => notices.of(e, 'BTC-USD')).map((n) => n.event.kind);
    expect(kinds).not.toContain('daily-summary');
    expect(kinds.filter((k) => k === 'guardrail-block')).toHaveLength(1);
  });
});
