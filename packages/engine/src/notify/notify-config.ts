import { BuffError, parseOrThrow } from '@buff/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { NotifyEvent } from './notify-event.js';

/**
 * Which events are sent (the `notify:` section of a config file). Unknown keys are refused.
 * Medium and low tier signals are never sent; a test message always is.
 */
export const NotifyConfigSchema = z
  .object({
    events: z
      .object({
        highTierSignal: z.boolean().default(true),
        guardrailBlock: z.boolean().default(true),
        killSwitch: z.boolean().default(true),
        session: z.boolean().default(true),
        dailySummary: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Also print each notification on stderr (the console notifier). */
    console: z.boolean().default(false),
    /**
     * Telegram (BUFF_TELEGRAM_TOKEN, BUFF_TELEGRAM_CHAT_ID, BUFF_TELEGRAM_API_ROOT): `true` requires it
     * (a session refuses to start without those settings), `false` never sends there even when they
     * are set; absent, it is used when the environment configures it.
     */
    telegram: z.boolean().optional(),
    /** The webhook (BUFF_WEBHOOK_URL, BUFF_WEBHOOK_SECRET), switched like `telegram`. */
    webhook: z.boolean().optional(),
  })
  .strict();
export type NotifyConfig = z.infer<typeof NotifyConfigSchema>;
export type NotifyConfigInput = z.input<typeof NotifyConfigSchema>;

/**
 * Parses a `notify:` section; a bad key or value is an INVALID_CONFIG naming the file and key.
 * @example parseNotifyConfig({ events: { dailySummary: false } }, 'configs/dryrun.yml')
 */
export function parseNotifyConfig(raw: unknown, file?: string): NotifyConfig {
  return parseOrThrow(NotifyConfigSchema, raw ?? {}, 'INVALID_CONFIG', {
    what: 'notify config',
    path: ['notify'],
    ...(file === undefined ? {} : { file }),
  });
}

/**
 * Whether the config lets this event through.
 * @example isEventEnabled(parseNotifyConfig({}), { kind: 'signal', tier: 'low', ... }) // false
 */
export function isEventEnabled(config: NotifyConfig, event: NotifyEvent): boolean {
  switch (event.kind) {
    case 'signal':
      return event.tier === 'high' && config.events.highTierSignal;
    case 'guardrail-block':
      return config.events.guardrailBlock;
    case 'kill-switch':
      return config.events.killSwitch;
    case 'session':
      return config.events.session;
    case 'daily-summary':
      return config.events.dailySummary;
    case 'test':
      return true;
  }
}

/**
 * Reads the `notify:` section of a YAML or JSON config file's text (a file without one gets the
 * defaults); bad YAML or a bad key is an INVALID_CONFIG naming the file.
 * @example parseNotifyConfigText(readFileSync('configs/dryrun.yml', 'utf8'), 'configs/dryrun.yml')
 */
export function parseNotifyConfigText(text: string, file: string): NotifyConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new BuffError('INVALID_CONFIG', `${file}: not valid YAML or JSON: ${(err as Error).message}`, {
      details: { file, rule: 'syntax' },
    });
  }
  const section = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).notify : undefined;
  return parseNotifyConfig(section, file);
}
