// A process that owns a notification outbox (tests/notify-outbox-crash.test.ts):
//   enqueue DIR URL   queues one event, prints "queued", then flushes (the test SIGKILLs it mid-flush)
//   flush DIR URL     opens the outbox, flushes, prints the report as JSON, exits
import { createWebhookNotifier, idempotencyKey, openOutbox, type NotifyEvent } from '@buff/engine';

const [mode, dir, url] = process.argv.slice(2) as [string, string, string];
const notifier = createWebhookNotifier({
  url,
  secret: 'crash-test-secret',
  backoffMs: 20,
  maxAttempts: 3,
  timeoutMs: 60_000,
});
const outbox = openOutbox({ dir, notifiers: [notifier] });
const event: NotifyEvent = {
  kind: 'guardrail-block',
  rule: 'max-daily-loss',
  reason: 'queued before the crash',
  at: '2024-03-01T23:00:00.000Z',
};

if (mode === 'enqueue') {
  outbox.enqueue({ key: idempotencyKey(event), event });
  process.stdout.write('queued\n');
  await outbox.flush(); // the receiver holds this request until the test kills us
} else {
  const report = await outbox.flush();
  process.stdout.write(
    `${JSON.stringify({ delivered: report.delivered.length, pending: report.pending.length, key: idempotencyKey(event) })}\n`,
  );
}
