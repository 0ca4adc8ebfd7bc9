import type { NotifyEvent } from './notify-event.js';

/** A message as a title and labelled fields, before it is rendered for a destination. */
interface MessageParts {
  title: string;
  fields: Array<[label: string, value: string]>;
}

function partsOf(event: NotifyEvent): MessageParts {
  switch (event.kind) {
    case 'signal':
      return {
        title: `${event.tier} tier signal: ${event.side} ${event.symbol}`,
        fields: optional([
          ['confidence', event.confidence.toFixed(4)],
          ['bar', event.barTs],
          ['model', event.model],
          ['session', event.sessionId],
        ]),
      };
    case 'guardrail-block':
      return {
        title: `guardrail blocked: ${event.rule}`,
        fields: optional([
          ['reason', event.reason],
          ['symbol', event.symbol],
          ['session', event.sessionId],
          ['at', event.at],
        ]),
      };
    case 'kill-switch':
      return {
        title: `kill switch ${event.on ? 'ON' : 'off'}`,
        fields: [
          ['by', event.actor],
          ['reason', event.reason],
          ['at', event.at],
        ],
      };
    case 'session':
      return {
        title: `session ${event.state}: ${event.sessionId}`,
        fields: optional([
          ['reason', event.reason],
          ['at', event.at],
        ]),
      };
    case 'daily-summary':
      return {
        title: `daily summary ${event.day}: ${event.sessionId}`,
        fields: optional([
          ['signals', String(event.signals)],
          ['high tier', String(event.highTier)],
          ['blocked', String(event.blocked)],
          ['equity', event.equity === undefined ? undefined : event.equity.toFixed(2)],
        ]),
      };
    case 'test':
      return {
        title: 'Buff test message',
        fields: [
          ['text', event.text],
          ['at', event.at],
        ],
      };
  }
}

function optional(fields: Array<[string, string | undefined]>): Array<[string, string]> {
  return fields.filter((field): field is [string, string] => field[1] !== undefined && field[1] !== '');
}

/**
 * Escapes text for Telegram's HTML parse mode: `&`, `<` and `>` are the only characters it
 * interprets outside tags, so every symbol and reason shows exactly as written.
 * @example escapeTelegramHtml('PnL < -5% & <b>') // 'PnL &lt; -5% &amp; &lt;b&gt;'
 */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The event as Telegram HTML: a bold title, then one `label: value` line per field, every
 * value escaped; a message that may repeat an earlier one ends with MAY_REPEAT_NOTE in italics.
 * @example renderTelegramHtml(event) // '<b>kill switch ON</b>\nby: ops\n…'
 */
export function renderTelegramHtml(event: NotifyEvent, mayRepeat = false): string {
  const { title, fields } = partsOf(event);
  const lines = [`<b>${escapeTelegramHtml(title)}</b>`, ...fields.map(([l, v]) => `${l}: ${escapeTelegramHtml(v)}`)];
  if (mayRepeat) lines.push(`<i>${MAY_REPEAT_NOTE}</i>`);
  return lines.join('\n');
}

/** The last line of a message re-sent after an attempt whose outcome is unknown. */
export const MAY_REPEAT_NOTE = 'may repeat: re-sent after an attempt whose outcome is unknown (restart or timeout)';

/**
 * The event as plain text on one line (console, webhook `text` field).
 * @example renderPlainText(event) // 'kill switch ON | by: ops | reason: feed down | at: …'
 */
export function renderPlainText(event: NotifyEvent): string {
  const { title, fields } = partsOf(event);
  return [title, ...fields.map(([label, value]) => `${label}: ${value.replace(/\s+/g, ' ')}`)].join(' | ');
}
