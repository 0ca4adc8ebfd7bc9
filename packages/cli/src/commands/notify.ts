import { readFileSync } from 'node:fs';
import { BuffError } from '@buff/core';
import type { NotifierCheck } from '@buff/engine';
import { outputFor, type RegisterCommands } from '../context.js';
import type { Output } from '../output.js';
import { formatTable } from '../text-table.js';

/** The notifiers the environment (and a config's `notify.console`) configures, each tested. */
export async function testNotifiers(options: {
  config?: string;
  console?: boolean;
  dry?: boolean;
  text?: string;
}): Promise<NotifierCheck[]> {
  const { checkNotifiers, notifiersFromEnv, parseNotifyConfigText } = await import('@buff/engine');
  const config =
    options.config === undefined ? undefined : parseNotifyConfigText(readConfig(options.config), options.config);
  const notifiers = notifiersFromEnv(process.env, {
    console: options.console === true || config?.console === true,
    telegram: config?.telegram,
    webhook: config?.webhook,
  });
  if (notifiers.length === 0)
    throw new BuffError(
      'INVALID_CONFIG',
      'no notifier is configured: set BUFF_TELEGRAM_TOKEN and BUFF_TELEGRAM_CHAT_ID, or BUFF_WEBHOOK_URL and BUFF_WEBHOOK_SECRET, or pass --console',
      { details: { rule: 'NO_NOTIFIER' } },
    );
  return checkNotifiers(notifiers, {
    dry: options.dry === true,
    ...(options.text === undefined ? {} : { text: options.text }),
  });
}

function readConfig(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new BuffError(
      'NOT_FOUND',
      `cannot read config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      {
        details: { file: path },
      },
    );
  }
}

/** Prints the results as a table (human) and fails with NOTIFY_FAILED (exit 3) when any failed. */
export function reportNotifierChecks(out: Output, results: NotifierCheck[], dry: boolean): void {
  out.line(
    formatTable(
      ['notifier', 'result', 'requests', 'problem'],
      results.map((r) => [
        r.notifier,
        r.ok ? (dry ? 'reachable' : 'sent') : 'FAILED',
        String(r.attempts),
        r.problem ?? '',
      ]),
    ),
  );
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0)
    throw new BuffError(
      'NOTIFY_FAILED',
      `${failed.length} of ${results.length} notifier(s) failed: ${failed.map((r) => `${r.notifier}: ${r.problem}`).join('; ')}`,
      { details: { rule: 'NOTIFY_TEST', results } },
    );
  out.result({ dry, results });
}

/** `buff notify test`: one test message through every configured notifier, each result reported. */
export const registerNotifyCommands: RegisterCommands = (cli) =>
  cli.command('notify', 'notifications (Telegram, webhook, console)', (notify) =>
    notify
      .command(
        'test',
        'send one test message through every configured notifier and report each (exit 3 if any failed)',
        (y) =>
          y
            .option('config', { type: 'string', describe: 'a config file whose notify: section applies' })
            .option('console', { type: 'boolean', default: false, describe: 'also print to stderr' })
            .option('dry', { type: 'boolean', default: false, describe: 'only check each is reachable; send nothing' })
            .option('text', { type: 'string', describe: 'the test message text' }),
        async (args) => {
          const out = outputFor(args);
          const results = await testNotifiers(args);
          reportNotifierChecks(out, results, args.dry);
        },
      )
      .demandCommand(1, 'name a notify command: test'),
  );
