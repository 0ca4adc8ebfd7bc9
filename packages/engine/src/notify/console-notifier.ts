import { BuffError } from '@buff/core';
import type { Notifier } from './notifier.js';
import { renderPlainText } from './format-message.js';

/**
 * Writes each notification as one line (`[buff notify] <key> <text>`) to a stream (stderr by
 * default): for local runs and as the always-available fallback.
 * @example const notifier = createConsoleNotifier();
 */
export function createConsoleNotifier(stream: NodeJS.WritableStream = process.stderr): Notifier {
  const write = (line: string) =>
    new Promise<void>((resolve, reject) =>
      stream.write(`${line}\n`, (err) =>
        err
          ? reject(
              new BuffError('NOTIFY_FAILED', `console: ${err.message}`, {
                details: { notifier: 'console', attempts: 1, permanent: false },
              }),
            )
          : resolve(),
      ),
    );
  return {
    name: 'console',
    async send(notification) {
      await write(
        `[buff notify] ${notification.key}${notification.mayRepeat ? ' (may repeat)' : ''} ${renderPlainText(notification.event)}`,
      );
      return { notifier: 'console', attempts: 1 };
    },
    async check() {
      return { notifier: 'console', attempts: 0 };
    },
  };
}
