import { isEventEnabled, type NotifyConfig } from './notify-config.js';
import { idempotencyKey, NotifyEventSchema, type NotifyEventInput } from './notify-event.js';
import type { FlushReport, Outbox } from './outbox.js';

/** What publishing one event did. */
export type PublishResult =
  | { sent: false; reason: 'disabled' | 'duplicate'; key: string }
  | { sent: true; key: string; report: FlushReport };

/**
 * The runtime's entry to notifications: checks the event against the config's switches, journals
 * it in the outbox under its idempotency key, then flushes the outbox.
 * @example
 * const notify = createPublisher(parseNotifyConfig(config.notify), openOutbox({ dir, notifiers }));
 * await notify({ kind: 'session', state: 'start', sessionId, at });
 */
export function createPublisher(
  config: NotifyConfig,
  outbox: Outbox,
): (event: NotifyEventInput, key?: string) => Promise<PublishResult> {
  return async (input, key) => {
    const event = NotifyEventSchema.parse(input);
    const eventKey = key ?? idempotencyKey(event);
    if (!isEventEnabled(config, event)) return { sent: false, reason: 'disabled', key: eventKey };
    if (!outbox.enqueue({ key: eventKey, event })) return { sent: false, reason: 'duplicate', key: eventKey };
    return { sent: true, key: eventKey, report: await outbox.flush() };
  };
}
