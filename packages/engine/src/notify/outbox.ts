import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { appendLinesDurably, encodeLine, isBuffError, readJournalForAppend } from '@buff/core';
import { z } from 'zod';
import type { Delivery, Notifier } from './notifier.js';
import { NotificationSchema, type Notification } from './notify-event.js';

/** The outbox journal file inside its folder. */
export const OUTBOX_FILE = 'notify-outbox.jsonl';

const OutboxLineSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('queued'), notification: NotificationSchema, to: z.array(z.string()) }),
  z.object({ op: z.literal('sending'), key: z.string(), to: z.string() }),
  z.object({ op: z.literal('delivered'), key: z.string(), to: z.string(), attempts: z.number() }),
  z.object({ op: z.literal('failed'), key: z.string(), to: z.string(), problem: z.string() }),
]);
type OutboxLine = z.infer<typeof OutboxLineSchema>;

/** One (notification, notifier) pair that is not settled yet. */
export interface PendingDelivery {
  key: string;
  notifier: string;
}

/** What one flush did. */
export interface FlushReport {
  delivered: Delivery[];
  /** Permanent failures: journaled, never tried again. */
  failed: Array<{ key: string; notifier: string; problem: string }>;
  /** Transient failures and notifiers not configured now: tried again at the next flush. */
  pending: PendingDelivery[];
}

/**
 * A crash-safe queue of notifications. `enqueue` journals a notification (append + fsync) before
 * anything is sent; `flush` journals `sending` before each delivery and its outcome after it.
 * After a crash, opening the same folder again delivers what was queued, once per idempotency key
 * and notifier. A delivery whose outcome is unknown (the process stopped between `sending` and
 * the outcome, or the attempt ended in a timeout or another transient failure) is sent again with the same key and `mayRepeat: true`:
 * a webhook receiver deduplicates it by key, and Telegram, which has no idempotency keys, shows
 * it marked as a possible repeat. Deliveries run one at a time, so a crash leaves at most one.
 * @example
 * const outbox = openOutbox({ dir: sessionDir, notifiers });
 * outbox.enqueue({ key: idempotencyKey(event), event });
 * await outbox.flush();
 */
export interface Outbox {
  readonly path: string;
  /** Journals the notification for every notifier; false when its key was queued before. */
  enqueue(notification: Notification): boolean;
  /** Sends what is unsettled, in queue order; concurrent calls run one after another. */
  flush(): Promise<FlushReport>;
  pending(): PendingDelivery[];
}

export function openOutbox(options: { dir: string; notifiers: readonly Notifier[] }): Outbox {
  mkdirSync(options.dir, { recursive: true });
  const path = join(options.dir, OUTBOX_FILE);
  const queue: Queue = new Map();
  const apply = (line: OutboxLine): void => {
    if (line.op === 'queued') {
      if (!queue.has(line.notification.key))
        queue.set(line.notification.key, {
          notification: line.notification,
          open: new Set(line.to),
          unknown: new Set(),
        });
    } else if (line.op === 'sending') queue.get(line.key)?.unknown.add(line.to);
    else {
      queue.get(line.key)?.open.delete(line.to);
      queue.get(line.key)?.unknown.delete(line.to);
    }
  };
  for (const raw of readJournalForAppend(path).entries) {
    const line = OutboxLineSchema.safeParse(raw);
    if (line.success) apply(line.data);
  }
  const journal = (line: OutboxLine) => {
    appendLinesDurably(path, encodeLine(line));
    apply(line);
  };
  const byName = new Map(options.notifiers.map((n) => [n.name, n]));
  const pending = (): PendingDelivery[] =>
    [...queue.entries()].flatMap(([key, entry]) => [...entry.open].map((notifier) => ({ key, notifier })));
  let running: Promise<unknown> = Promise.resolve();
  return {
    path,
    enqueue(notification) {
      const checked = NotificationSchema.parse(notification);
      if (queue.has(checked.key)) return false;
      journal({ op: 'queued', notification: checked, to: [...byName.keys()] });
      return true;
    },
    flush() {
      const next = running.then(() => flushAll(queue, byName, journal));
      running = next.catch(() => undefined);
      return next;
    },
    pending,
  };
}

/**
 * Every queued notification by key: the notifiers it is still open for, and those whose last
 * attempt's outcome is unknown (journaled `sending` with no outcome after it).
 */
type Queue = Map<string, { notification: Notification; open: Set<string>; unknown: Set<string> }>;

async function flushAll(
  queue: Queue,
  byName: Map<string, Notifier>,
  journal: (line: OutboxLine) => void,
): Promise<FlushReport> {
  const report: FlushReport = { delivered: [], failed: [], pending: [] };
  for (const [key, entry] of queue) {
    for (const name of [...entry.open]) {
      const notifier = byName.get(name);
      if (!notifier) {
        report.pending.push({ key, notifier: name });
        continue;
      }
      try {
        const notification = entry.unknown.has(name)
          ? { ...entry.notification, mayRepeat: true as const }
          : entry.notification;
        journal({ op: 'sending', key, to: name });
        const delivery = await notifier.send(notification);
        journal({ op: 'delivered', key, to: name, attempts: delivery.attempts });
        report.delivered.push(delivery);
      } catch (err) {
        const problem = err instanceof Error ? err.message : String(err);
        if (isBuffError(err, 'NOTIFY_FAILED') && err.details.permanent === true) {
          journal({ op: 'failed', key, to: name, problem });
          report.failed.push({ key, notifier: name, problem });
        } else report.pending.push({ key, notifier: name });
      }
    }
  }
  return report;
}
