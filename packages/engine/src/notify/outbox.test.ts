import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_EVENTS } from './notifier.cases.js';
import { createPublisher } from './notifications.js';
import { parseNotifyConfig } from './notify-config.js';
import { idempotencyKey, type NotifyEvent } from './notify-event.js';
import { MAY_REPEAT_NOTE } from './format-message.js';
import type { Notifier } from './notifier.js';
import { OUTBOX_FILE, openOutbox } from './outbox.js';
import { createTelegramNotifier } from './telegram-notifier.js';
import { startFakeBotApi } from './test-support/fake-bot-api.js';
import { startWebhookReceiver, type WebhookReceiver } from './test-support/webhook-receiver.js';
import { createWebhookNotifier } from './webhook-notifier.js';

const note = (i: number) => {
  const event = SAMPLE_EVENTS[i] as NotifyEvent;
  return { key: idempotencyKey(event), event };
};

describe('notification outbox', () => {
  let dir: string;
  let hook: WebhookReceiver;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'buff-outbox-'));
    hook = await startWebhookReceiver();
  });
  afterEach(async () => {
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const webhook = () => createWebhookNotifier({ url: hook.url, secret: 's', backoffMs: 5, maxAttempts: 2 });
  const open = () => openOutbox({ dir, notifiers: [webhook()] });

  it('delivers each key once, also when it is queued again or the outbox is reopened', async () => {
    const outbox = open();
    expect(outbox.enqueue(note(0))).toBe(true);
    expect(outbox.enqueue(note(0))).toBe(false);
    expect((await outbox.flush()).delivered).toHaveLength(1);
    expect((await outbox.flush()).delivered).toHaveLength(0);
    const reopened = open();
    expect(reopened.enqueue(note(0))).toBe(false);
    expect((await reopened.flush()).delivered).toHaveLength(0);
    expect(hook.acceptedKeys()).toEqual([note(0).key]);
    expect(hook.received).toHaveLength(1);
  });

  it('keeps a transient failure pending and delivers it at the next flush; a 4xx is settled as failed', async () => {
    const outbox = open();
    hook.script({ status: 503, body: {} }, { status: 503, body: {} }, { status: 422, body: {} });
    outbox.enqueue(note(0));
    outbox.enqueue(note(1));
    const first = await outbox.flush();
    expect(first.pending).toEqual([{ key: note(0).key, notifier: 'webhook' }]);
    expect(first.failed.map((f) => f.key)).toEqual([note(1).key]);
    const second = await open().flush();
    expect(second.delivered).toHaveLength(1);
    expect(open().pending()).toEqual([]);
    expect(hook.acceptedKeys()).toEqual([note(0).key]);
  });

  it('re-sends a delivery whose outcome is unknown (stopped mid-send) once, marked mayRepeat on each channel', async () => {
    const api = await startFakeBotApi();
    try {
      const hanging = (name: string): Notifier => ({
        name,
        send: () => new Promise(() => undefined), // the process "dies" while this request is out
        check: () => Promise.resolve({ notifier: name, attempts: 0 }),
      });
      const first = openOutbox({ dir, notifiers: [hanging('webhook'), hanging('telegram')] });
      first.enqueue(note(0));
      void first.flush();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const telegram = createTelegramNotifier({ token: api.token, chatId: api.chatId, apiRoot: api.url });
      const after = openOutbox({ dir, notifiers: [webhook(), telegram] });
      expect((await after.flush()).delivered.map((d) => d.notifier)).toEqual(['webhook', 'telegram']);
      // the first send never started on telegram (one at a time): only the webhook's outcome was unknown
      expect(hook.received.map((r) => (r.body as { mayRepeat?: boolean }).mayRepeat)).toEqual([true]);
      expect(api.shownTexts()).toHaveLength(1);
      expect(api.shownTexts()[0]).not.toContain(MAY_REPEAT_NOTE);
      // a delivery that settled is not marked again; a fresh one is not marked at all
      const again = openOutbox({ dir, notifiers: [webhook(), telegram] });
      again.enqueue(note(1));
      await again.flush();
      expect(hook.received.map((r) => (r.body as { mayRepeat?: boolean }).mayRepeat)).toEqual([true, undefined]);
      expect(again.pending()).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('marks a Telegram message that may repeat one sent before', async () => {
    const api = await startFakeBotApi();
    try {
      const hangingTelegram: Notifier = {
        name: 'telegram',
        send: () => new Promise(() => undefined),
        check: () => Promise.resolve({ notifier: 'telegram', attempts: 0 }),
      };
      const first = openOutbox({ dir, notifiers: [hangingTelegram] });
      first.enqueue(note(0));
      void first.flush();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const telegram = createTelegramNotifier({ token: api.token, chatId: api.chatId, apiRoot: api.url });
      await openOutbox({ dir, notifiers: [telegram] }).flush();
      expect(api.shownTexts()).toHaveLength(1);
      expect(api.shownTexts()[0]?.split('\n').at(-1)).toBe(MAY_REPEAT_NOTE);
    } finally {
      await api.close();
    }
  });

  it('drops a torn tail on open and appends after it cleanly', async () => {
    open().enqueue(note(0));
    appendFileSync(join(dir, OUTBOX_FILE), '0badc0de {"op":"queued","notif');
    const outbox = open();
    expect(outbox.pending()).toHaveLength(1);
    outbox.enqueue(note(2));
    expect(readFileSync(join(dir, OUTBOX_FILE), 'utf8')).not.toContain('"notif\n');
    expect(open().pending()).toHaveLength(2);
    await outbox.flush();
    expect(hook.acceptedKeys()).toEqual([note(0).key, note(2).key]);
  });

  it('the publisher honours the config switches and keys events by content', async () => {
    const publish = createPublisher(parseNotifyConfig({ events: { dailySummary: false } }), open());
    const low = { ...(SAMPLE_EVENTS[0] as NotifyEvent), tier: 'low' } as NotifyEvent;
    expect(await publish(low)).toMatchObject({ sent: false, reason: 'disabled' });
    expect(await publish(SAMPLE_EVENTS[4] as NotifyEvent)).toMatchObject({ sent: false, reason: 'disabled' });
    expect(await publish(SAMPLE_EVENTS[0] as NotifyEvent)).toMatchObject({ sent: true, key: note(0).key });
    expect(await publish(SAMPLE_EVENTS[0] as NotifyEvent)).toMatchObject({ sent: false, reason: 'duplicate' });
    expect(hook.acceptedKeys()).toEqual([note(0).key]);
  });

  it('refuses unknown config keys, naming them', () => {
    expect(() => parseNotifyConfig({ events: { highTier: true } }, 'x.yml')).toThrow(/notify\.events/);
  });
});
