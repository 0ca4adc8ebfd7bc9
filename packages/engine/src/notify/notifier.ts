import type { Notification } from './notify-event.js';

/** What a notifier reports after delivering one notification. */
export interface Delivery {
  notifier: string;
  /** Requests made, retries included. */
  attempts: number;
}

/**
 * Sends notifications to one destination (Telegram, a webhook, the console). Every driver passes
 * the shared suite in notifier.cases.ts.
 * A failed delivery throws a BuffError `NOTIFY_FAILED` whose details say `notifier`, `attempts` and
 * `permanent` (true: sending it again cannot help, e.g. a 400), and never contain a secret.
 * @example
 * const notifier = createWebhookNotifier({ url, secret });
 * await notifier.send({ key: idempotencyKey(event), event });
 */
export interface Notifier {
  /** Stable name, used in reports and in the outbox journal: 'telegram', 'webhook', 'console'. */
  readonly name: string;
  /** Delivers one notification (retrying transient failures within its own bounds). */
  send(notification: Notification): Promise<Delivery>;
  /** Checks that the destination is reachable and accepts our credentials, without sending a message. */
  check(): Promise<Delivery>;
}
