import { BuffError, canonicalJson } from '@buff/core';
import type { Delivery, Notifier } from './notifier.js';
import type { Notification } from './notify-event.js';
import { renderPlainText } from './format-message.js';
import { signWebhookBody } from './webhook-signature.js';

/** Where and how the webhook notifier posts. */
export interface WebhookOptions {
  url: string;
  secret: string;
  /** Per request (default 10 s); a timeout is retried like a 5xx. */
  timeoutMs?: number;
  /** Requests per notification, the first included (default 5). */
  maxAttempts?: number;
  /** First backoff; doubled after each failure (default 500 ms). */
  backoffMs?: number;
  /** The clock for the signature's `t` (default Date.now). */
  now?: () => number;
}

type Attempt = { ok: true } | { ok: false; retry: boolean; problem: string; status?: number };

/**
 * Posts each notification as JSON `{ key, event, text }` (and `mayRepeat: true` when the outbox
 * re-sends one whose earlier attempt's outcome is unknown) to a URL, signed with
 * `X-Buff-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<body>">` and carrying the key in
 * `Idempotency-Key`. Timeouts, network errors and 5xx are retried with exponential backoff up to
 * `maxAttempts`; a 4xx is final.
 * @example await createWebhookNotifier({ url, secret }).send({ key, event });
 */
export function createWebhookNotifier(options: WebhookOptions): Notifier {
  const url = checkUrl(options.url);
  if (options.secret === '')
    throw new BuffError('INVALID_CONFIG', 'the webhook secret is empty', { details: { key: 'BUFF_WEBHOOK_SECRET' } });
  const maxAttempts = options.maxAttempts ?? 5;
  const post = (body: string, key: string) => postOnce(url, body, key, options);
  const deliver = async (body: string, key: string): Promise<Delivery> => {
    let delay = options.backoffMs ?? 500;
    for (let attempt = 1; ; attempt += 1) {
      const result = await post(body, key);
      if (result.ok) return { notifier: 'webhook', attempts: attempt };
      if (!result.retry || attempt >= maxAttempts)
        throw new BuffError('NOTIFY_FAILED', `webhook ${url.origin}: ${result.problem} (after ${attempt} attempt(s))`, {
          details: { notifier: 'webhook', attempts: attempt, permanent: !result.retry, status: result.status },
        });
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  };
  return {
    name: 'webhook',
    send: (notification: Notification) =>
      deliver(
        canonicalJson({
          key: notification.key,
          event: notification.event,
          text: renderPlainText(notification.event),
          ...(notification.mayRepeat ? { mayRepeat: true } : {}),
        }),
        notification.key,
      ),
    check: () => deliver(canonicalJson({ key: 'ping', event: { kind: 'ping' } }), 'ping'),
  };
}

async function postOnce(url: URL, body: string, key: string, options: WebhookOptions): Promise<Attempt> {
  const seconds = Math.floor((options.now ?? Date.now)() / 1000);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': key,
        'x-buff-signature': signWebhookBody(options.secret, body, seconds),
      },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    return { ok: false, retry: true, problem: timedOut ? 'timed out' : `request failed: ${causeOf(err)}` };
  }
  await response.body?.cancel();
  if (response.ok) return { ok: true };
  return {
    ok: false,
    retry: response.status >= 500,
    status: response.status,
    problem: `HTTP ${response.status}`,
  };
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

function checkUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BuffError('INVALID_CONFIG', 'the webhook URL is not a URL', { details: { key: 'BUFF_WEBHOOK_URL' } });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new BuffError('INVALID_CONFIG', `the webhook URL must be http(s), not ${url.protocol}`, {
      details: { key: 'BUFF_WEBHOOK_URL' },
    });
  return url;
}
