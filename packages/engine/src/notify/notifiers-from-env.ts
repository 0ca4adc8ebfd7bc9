import { BuffError } from '@buff/core';
import type { Notifier } from './notifier.js';
import { createConsoleNotifier } from './console-notifier.js';
import { createTelegramNotifier } from './telegram-notifier.js';
import { createWebhookNotifier } from './webhook-notifier.js';

/** The environment variables that configure notifiers (README "Notifications"). */
export const NOTIFY_ENV = [
  'BUFF_TELEGRAM_TOKEN',
  'BUFF_TELEGRAM_CHAT_ID',
  'BUFF_TELEGRAM_API_ROOT',
  'BUFF_WEBHOOK_URL',
  'BUFF_WEBHOOK_SECRET',
] as const;

/** Which notifiers a config asks for: `true` requires one, `false` leaves it out, absent uses it when configured. */
export interface NotifierChoice {
  console?: boolean | undefined;
  telegram?: boolean | undefined;
  webhook?: boolean | undefined;
  stream?: NodeJS.WritableStream;
}

/**
 * The notifiers the environment configures: Telegram when BUFF_TELEGRAM_TOKEN is set (it then
 * needs BUFF_TELEGRAM_CHAT_ID), a webhook when BUFF_WEBHOOK_URL is set (it then needs
 * BUFF_WEBHOOK_SECRET: unsigned webhooks are refused), and the console when asked for.
 * Half a configuration is an INVALID_CONFIG, never silently no notifier; so is `telegram: true`
 * or `webhook: true` (a config's `notify:` section) without its settings.
 * @example const notifiers = notifiersFromEnv(process.env, { console: config.console, telegram: config.telegram });
 */
export function notifiersFromEnv(env: Record<string, string | undefined>, options: NotifierChoice = {}): Notifier[] {
  const value = (name: (typeof NOTIFY_ENV)[number]) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const notifiers: Notifier[] = [];
  const token = value('BUFF_TELEGRAM_TOKEN');
  const chatId = value('BUFF_TELEGRAM_CHAT_ID');
  if (options.telegram === true && token === undefined && chatId === undefined)
    throw required('telegram', 'BUFF_TELEGRAM_TOKEN and BUFF_TELEGRAM_CHAT_ID');
  if (options.telegram !== false && (token !== undefined || chatId !== undefined)) {
    if (token === undefined || chatId === undefined)
      throw missing(token === undefined ? 'BUFF_TELEGRAM_TOKEN' : 'BUFF_TELEGRAM_CHAT_ID', 'Telegram');
    const apiRoot = value('BUFF_TELEGRAM_API_ROOT');
    notifiers.push(createTelegramNotifier({ token, chatId, ...(apiRoot === undefined ? {} : { apiRoot }) }));
  }
  const url = value('BUFF_WEBHOOK_URL');
  const secret = value('BUFF_WEBHOOK_SECRET');
  if (options.webhook === true && url === undefined && secret === undefined)
    throw required('webhook', 'BUFF_WEBHOOK_URL and BUFF_WEBHOOK_SECRET');
  if (options.webhook !== false && (url !== undefined || secret !== undefined)) {
    if (url === undefined || secret === undefined)
      throw missing(url === undefined ? 'BUFF_WEBHOOK_URL' : 'BUFF_WEBHOOK_SECRET', 'webhook');
    notifiers.push(createWebhookNotifier({ url, secret }));
  }
  if (options.console) notifiers.push(createConsoleNotifier(options.stream));
  return notifiers;
}

function missing(name: string, what: string): BuffError {
  return new BuffError('INVALID_CONFIG', `${what} notifications are half configured: ${name} is not set`, {
    details: { key: name, rule: 'NOTIFY_ENV_INCOMPLETE' },
  });
}

function required(key: 'telegram' | 'webhook', names: string): BuffError {
  return new BuffError('INVALID_CONFIG', `notify.${key} is true but ${names} are not set`, {
    details: { key: `notify.${key}`, rule: 'NOTIFIER_REQUIRED' },
  });
}
