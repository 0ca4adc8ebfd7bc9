import { isBuffError } from '@buff/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Notifier } from './notifier.js';
import { idempotencyKey, type NotifyEvent } from './notify-event.js';

/** A notifier under test, what its destination showed the user, and how to make it refuse. */
export interface NotifierFixture {
  notifier: Notifier;
  /** The delivered messages as the user reads them, in order. */
  shown(): string[];
  /** From now on the destination refuses every message for good (a 400, a broken stream). */
  breakDestination(): void;
  /** Strings that must never appear in an error (tokens, secrets). */
  secrets: string[];
  cleanup(): Promise<void>;
}

const AT = '2024-03-01T00:00:00.000Z';
/** Every character MarkdownV2 or HTML would interpret, in a symbol and a reason. */
export const TRICKY_SYMBOL = 'BTC_USD*[1]<b>&amp;';
export const TRICKY_REASON = 'daily loss > 5% & <i>equity</i> < 95_000 *bold* _it_ [x](y) ~`#+-=|{}.!\\ "q" \'a\'';

/** One event of every kind. */
export const SAMPLE_EVENTS: NotifyEvent[] = [
  { kind: 'signal', tier: 'high', symbol: 'BTC-USD', side: 'long', confidence: 0.8125, barTs: AT, model: 'lstm@3' },
  { kind: 'guardrail-block', rule: 'max-daily-loss', reason: 'equity below the floor', at: AT, symbol: 'ETH-USD' },
  { kind: 'kill-switch', on: true, actor: 'ops', reason: 'feed down', at: AT },
  { kind: 'session', state: 'crash', sessionId: 'sess-1', at: AT, reason: 'exit 137' },
  { kind: 'daily-summary', day: '2024-03-01', sessionId: 'sess-1', signals: 12, highTier: 3, blocked: 1 },
  { kind: 'test', at: AT, text: 'hello' },
];
const TITLE_WORDS = [
  'high tier signal',
  'guardrail blocked',
  'kill switch ON',
  'session crash',
  'daily summary',
  'Buff test message',
];

const send = (notifier: Notifier, event: NotifyEvent) => notifier.send({ key: idempotencyKey(event), event });

/**
 * The one suite every Notifier passes (like storage-driver.cases.ts).
 * @example describeNotifier('webhook', async () => ({ notifier, shown, breakDestination, secrets, cleanup }));
 */
export function describeNotifier(name: string, open: () => Promise<NotifierFixture>): void {
  describe(`Notifier contract: ${name}`, () => {
    let fixture: NotifierFixture;
    beforeEach(async () => {
      fixture = await open();
    });
    afterEach(() => fixture.cleanup());

    it('delivers one message per send and names itself', async () => {
      const delivery = await send(fixture.notifier, SAMPLE_EVENTS[2] as NotifyEvent);
      expect(delivery.notifier).toBe(fixture.notifier.name);
      expect(delivery.attempts).toBeGreaterThanOrEqual(1);
      expect(fixture.shown()).toHaveLength(1);
      expect(fixture.shown()[0]).toContain('kill switch ON');
      expect(fixture.shown()[0]).toContain('feed down');
    });

    it('shows symbols and reasons full of special characters exactly as written', async () => {
      const event: NotifyEvent = {
        kind: 'guardrail-block',
        rule: 'max_daily*loss',
        reason: TRICKY_REASON,
        at: AT,
        symbol: TRICKY_SYMBOL,
      };
      await send(fixture.notifier, event);
      const [shown] = fixture.shown();
      expect(shown).toContain(TRICKY_REASON);
      expect(shown).toContain(TRICKY_SYMBOL);
      expect(shown).toContain('max_daily*loss');
    });

    it('renders every kind of event, in order', async () => {
      for (const event of SAMPLE_EVENTS) await send(fixture.notifier, event);
      const shown = fixture.shown();
      expect(shown).toHaveLength(SAMPLE_EVENTS.length);
      TITLE_WORDS.forEach((words, i) => expect(shown[i]).toContain(words));
    });

    it('check() reaches the destination without sending a message', async () => {
      const delivery = await fixture.notifier.check();
      expect(delivery.notifier).toBe(fixture.notifier.name);
      expect(fixture.shown()).toEqual([]);
    });

    it('a refused message is NOTIFY_FAILED naming the notifier, and no secret leaks', async () => {
      fixture.breakDestination();
      const err = await send(fixture.notifier, SAMPLE_EVENTS[0] as NotifyEvent).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isBuffError(err, 'NOTIFY_FAILED')).toBe(true);
      if (!isBuffError(err)) return;
      expect(err.details.notifier).toBe(fixture.notifier.name);
      expect(typeof err.details.permanent).toBe('boolean');
      for (const secret of fixture.secrets) {
        expect(err.message).not.toContain(secret);
        expect(JSON.stringify(err.toJSON())).not.toContain(secret);
        expect(String(err.stack)).not.toContain(secret);
      }
      expect(fixture.shown()).toEqual([]);
    });
  });
}
