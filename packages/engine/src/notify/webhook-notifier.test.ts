import { isBuffError } from '@buff/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeNotifier, SAMPLE_EVENTS } from './notifier.cases.js';
import { idempotencyKey, type NotifyEvent } from './notify-event.js';
import { createWebhookNotifier } from './webhook-notifier.js';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature.js';
import { startWebhookReceiver, type WebhookReceiver } from './test-support/webhook-receiver.js';

const SECRET = 'whsec_test-SECRET-value';

describeNotifier('webhook', async () => {
  const hook = await startWebhookReceiver();
  return {
    notifier: createWebhookNotifier({ url: `${hook.url}/hook?token=url-secret-part`, secret: SECRET, backoffMs: 5 }),
    // what a receiver shows: the text of each accepted event (pings excluded)
    shown: () =>
      hook.received
        .filter((r) => r.body.key !== 'ping' && hook.acceptedKeys().includes(r.body.key ?? ''))
        .map((r) => r.body.text ?? ''),
    breakDestination: () => hook.always({ status: 410, body: { error: 'gone' } }),
    secrets: [SECRET, 'url-secret-part'],
    cleanup: () => hook.close(),
  };
});

const event = SAMPLE_EVENTS[1] as NotifyEvent;
const notification = { key: idempotencyKey(event), event };

describe('webhook notifier against a loopback receiver', () => {
  let hook: WebhookReceiver;
  beforeEach(async () => {
    hook = await startWebhookReceiver();
  });
  afterEach(() => hook.close());
  const notifier = (extra: { maxAttempts?: number; timeoutMs?: number; now?: () => number } = {}) =>
    createWebhookNotifier({ url: hook.url, secret: SECRET, backoffMs: 5, ...extra });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (err: unknown) => err,
    );

  it('signs t.body with HMAC-SHA256 and carries the idempotency key in a header and the body', async () => {
    await notifier({ now: () => 1_700_000_000_123 }).send(notification);
    const [received] = hook.received;
    const header = String(received?.headers['x-buff-signature']);
    expect(header).toBe(signWebhookBody(SECRET, received?.raw ?? '', 1_700_000_000));
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, received?.raw ?? '', header, 1_700_000_100)).toBe(true);
    expect(verifyWebhookSignature('other', received?.raw ?? '', header, 1_700_000_100)).toBe(false);
    expect(verifyWebhookSignature(SECRET, `${received?.raw} `, header, 1_700_000_100)).toBe(false);
    expect(verifyWebhookSignature(SECRET, received?.raw ?? '', header, 1_700_009_999)).toBe(false); // too old
    expect(received?.headers['idempotency-key']).toBe(notification.key);
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.body).toMatchObject({ key: notification.key, event });
  });

  it('retries a 5xx with backoff, then delivers (the same key each time)', async () => {
    hook.script({ status: 503, body: {} }, { status: 500, body: {} });
    const delivery = await notifier().send(notification);
    expect(delivery.attempts).toBe(3);
    expect(hook.received.map((r) => r.headers['idempotency-key'])).toEqual(Array(3).fill(notification.key));
    expect(hook.acceptedKeys()).toEqual([notification.key]);
  });

  it('retries a timeout, then delivers', async () => {
    hook.script('hang');
    const delivery = await notifier({ timeoutMs: 1000 }).send(notification);
    expect(delivery.attempts).toBe(2);
    expect(hook.acceptedKeys()).toEqual([notification.key]);
  });

  it('does not retry a 400: one request, a permanent NOTIFY_FAILED', async () => {
    hook.script({ status: 400, body: { error: 'bad' } });
    const err = await failure(notifier().send(notification));
    expect(isBuffError(err, 'NOTIFY_FAILED') && err.details).toMatchObject({
      permanent: true,
      attempts: 1,
      status: 400,
    });
    expect(hook.received).toHaveLength(1);
  });

  it('stops after maxAttempts on a lasting 5xx, not permanent', async () => {
    hook.always({ status: 502, body: {} });
    const err = await failure(notifier({ maxAttempts: 4 }).send(notification));
    expect(isBuffError(err, 'NOTIFY_FAILED') && err.details).toMatchObject({ permanent: false, attempts: 4 });
    expect(hook.received).toHaveLength(4);
  });

  it('refuses a URL that is not http(s) and an empty secret', () => {
    expect(() => createWebhookNotifier({ url: 'file:///etc/passwd', secret: SECRET })).toThrow(/http/);
    expect(() => createWebhookNotifier({ url: hook.url, secret: '' })).toThrow(/secret/);
  });
});
