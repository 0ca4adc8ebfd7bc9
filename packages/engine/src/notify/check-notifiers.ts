import type { Notifier } from './notifier.js';
import { idempotencyKey, type NotifyEvent } from './notify-event.js';

/** One notifier's answer to a test. */
export interface NotifierCheck {
  notifier: string;
  ok: boolean;
  attempts: number;
  /** What went wrong (secrets redacted by the notifier). */
  problem?: string;
}

/**
 * Sends one test message through every notifier (or, with `dry`, only checks that each is
 * reachable and accepts its credentials) and reports each result; never throws for a failure.
 * @example const results = await checkNotifiers(notifiersFromEnv(process.env), { text: 'hello' });
 */
export async function checkNotifiers(
  notifiers: readonly Notifier[],
  options: { dry?: boolean; text?: string; now?: Date } = {},
): Promise<NotifierCheck[]> {
  const event: NotifyEvent = {
    kind: 'test',
    at: (options.now ?? new Date()).toISOString(),
    text: options.text ?? 'buff notify test: if you read this, notifications reach you',
  };
  const key = idempotencyKey(event);
  return Promise.all(
    notifiers.map(async (notifier): Promise<NotifierCheck> => {
      try {
        const delivery = options.dry ? await notifier.check() : await notifier.send({ key, event });
        return { notifier: notifier.name, ok: true, attempts: delivery.attempts };
      } catch (err) {
        const attempts = Number((err as { details?: { attempts?: unknown } }).details?.attempts ?? 0);
        return { notifier: notifier.name, ok: false, attempts, problem: (err as Error).message };
      }
    }),
  );
}
