import { createRequire } from 'node:module';
import { format } from 'node:util';
import { isBuffError } from '@buff/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeNotifier, SAMPLE_EVENTS, TRICKY_REASON } from './notifier.cases.js';
import { idempotencyKey, type NotifyEvent } from './notify-event.js';
import { createTelegramNotifier } from './telegram-notifier.js';
import { botApiError, startFakeBotApi, tooManyRequests, type FakeBotApi } from './test-support/fake-bot-api.js';

describeNotifier('telegram', async () => {
  const api = await startFakeBotApi();
  return {
    notifier: createTelegramNotifier({ token: api.token, chatId: api.chatId, apiRoot: api.url, backoffMs: 5 }),
    shown: () => api.shownTexts(),
    breakDestination: () => api.always(botApiError(403, `Forbidden: bot ${api.token} was blocked by the user`)),
    secrets: [api.token],
    cleanup: () => api.close(),
  };
});

const event = SAMPLE_EVENTS[0] as NotifyEvent;
const notification = { key: idempotencyKey(event), event };

describe('Telegram notifier against a fake Bot API', () => {
  let api: FakeBotApi;
  beforeEach(async () => {
    api = await startFakeBotApi();
  });
  afterEach(() => api.close());
  const notifier = (extra: { maxAttempts?: number; maxRetryAfterSeconds?: number; apiRoot?: string } = {}) =>
    createTelegramNotifier({ token: api.token, chatId: api.chatId, apiRoot: api.url, backoffMs: 5, ...extra });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (err: unknown) => err,
    );

  it('sends HTML to the chat with the configured API root', async () => {
    await notifier().send({
      key: 'evt_tricky-key',
      event: { kind: 'test', at: '2024-01-01T00:00:00Z', text: TRICKY_REASON },
    });
    const [request] = api.requests;
    expect(request?.method).toBe('sendMessage');
    expect(request?.payload).toMatchObject({ chat_id: api.chatId, parse_mode: 'HTML' });
    expect(api.shownTexts()[0]).toContain(TRICKY_REASON);
  });

  it('waits out a 429 for its retry_after (auto-retry plugin), then delivers once', async () => {
    api.script(tooManyRequests(1));
    const delivery = await notifier().send(notification);
    expect(delivery.attempts).toBe(2);
    expect(api.requests.map((r) => r.method)).toEqual(['sendMessage', 'sendMessage']);
    expect(api.shownTexts()).toHaveLength(1);
  });

  it('retries a 5xx with backoff, then delivers once', async () => {
    api.script(botApiError(502, 'Bad Gateway'));
    const delivery = await notifier().send(notification);
    expect(delivery.attempts).toBe(2);
    expect(api.shownTexts()).toHaveLength(1);
  });

  it('does not retry a 400: one request, a permanent NOTIFY_FAILED', async () => {
    api.script(botApiError(400, "Bad Request: can't parse entities"));
    const err = await failure(notifier().send(notification));
    expect(isBuffError(err, 'NOTIFY_FAILED') && err.details).toMatchObject({
      permanent: true,
      attempts: 1,
      status: 400,
    });
    expect(api.requests).toHaveLength(1);
  });

  it('gives up on a lasting 5xx after maxAttempts, not permanent', async () => {
    api.always(botApiError(500, 'Internal Server Error'));
    const err = await failure(notifier({ maxAttempts: 3 }).send(notification));
    expect(isBuffError(err, 'NOTIFY_FAILED') && err.details).toMatchObject({ permanent: false, attempts: 3 });
    expect(api.requests).toHaveLength(3);
  });

  it('a 429 asking to wait too long fails now (not permanent) instead of waiting', async () => {
    api.script(tooManyRequests(3600));
    const err = await failure(notifier({ maxRetryAfterSeconds: 5 }).send(notification));
    expect(isBuffError(err, 'NOTIFY_FAILED') && err.details).toMatchObject({ permanent: false, status: 429 });
  });

  it('never shows the token: a network failure, an unreachable root, a wrong token, and grammY debug logs', async () => {
    const debug = createRequire(import.meta.url)('debug') as {
      enable(namespaces: string): void;
      disable(): string;
      log: (...args: unknown[]) => void;
    };
    const logged: string[] = [];
    const originalLog = debug.log;
    debug.log = (...args: unknown[]) => logged.push(format(...args));
    debug.enable('grammy*');
    try {
      await api.close();
      const errors = [
        await failure(notifier({ maxAttempts: 2 }).send(notification)),
        await failure(notifier({ maxAttempts: 1, apiRoot: 'http://127.0.0.1:1' }).check()),
      ];
      const other = await startFakeBotApi('999:other-token');
      api = other;
      errors.push(
        await failure(
          createTelegramNotifier({ token: '123456:TEST-token_abc', chatId: other.chatId, apiRoot: other.url }).check(),
        ),
      );
      for (const err of errors) {
        expect(isBuffError(err, 'NOTIFY_FAILED')).toBe(true);
        const text = `${(err as Error).message} ${JSON.stringify(err)} ${(err as Error).stack}`;
        expect(text).not.toContain('TEST-token_abc');
      }
      expect(logged.length).toBeGreaterThan(0); // grammY did log (so the check below means something)
      expect(logged.join('\n')).not.toContain('TEST-token_abc');
    } finally {
      debug.disable();
      debug.log = originalLog;
    }
  });

  it('refuses a malformed token without echoing it', () => {
    expect(() => createTelegramNotifier({ token: 'not a token', chatId: '1' })).toThrow(/BUFF_TELEGRAM_TOKEN|form/);
  });
});
