import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  botApiError,
  startFakeBotApi,
  type FakeBotApi,
} from '../packages/engine/src/notify/test-support/fake-bot-api.js';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../packages/engine/src/notify/test-support/webhook-receiver.js';
import { verifyWebhookSignature } from '@buff/engine';
import { runBuilt } from './helpers/built-cli.js';
import { lastJson, runBuff } from './helpers/cli.js';

const SECRET = 'whsec-cli-secret';

describe('buff notify test', () => {
  let bot: FakeBotApi;
  let hook: WebhookReceiver;
  let env: Record<string, string>;
  beforeEach(async () => {
    bot = await startFakeBotApi();
    hook = await startWebhookReceiver();
    env = {
      BUFF_TELEGRAM_TOKEN: bot.token,
      BUFF_TELEGRAM_CHAT_ID: bot.chatId,
      BUFF_TELEGRAM_API_ROOT: bot.url,
      BUFF_WEBHOOK_URL: `${hook.url}/buff`,
      BUFF_WEBHOOK_SECRET: SECRET,
    };
  });
  afterEach(async () => {
    await bot.close();
    await hook.close();
  });

  it('sends one test message through every configured notifier and reports each (--json)', async () => {
    const { code, stdout, stderr } = await runBuff(
      ['notify', 'test', '--console', '--text', 'hello <b> & co', '--json'],
      { env },
    );
    expect(code, stderr).toBe(0);
    const result = lastJson<{ ok: boolean; results: Array<{ notifier: string; ok: boolean }> }>(stdout);
    expect(result.ok).toBe(true);
    expect(result.results.map((r) => [r.notifier, r.ok])).toEqual([
      ['telegram', true],
      ['webhook', true],
      ['console', true],
    ]);
    expect(bot.shownTexts()).toHaveLength(1);
    expect(bot.shownTexts()[0]).toContain('hello <b> & co');
    expect(hook.received).toHaveLength(1);
    const [post] = hook.received;
    expect(
      verifyWebhookSignature(SECRET, post?.raw ?? '', String(post?.headers['x-buff-signature']), Date.now() / 1000),
    ).toBe(true);
    expect(post?.body.event).toMatchObject({ kind: 'test', text: 'hello <b> & co' });
    expect(stderr).toContain('[buff notify]');
    expect(`${stdout}${stderr}`).not.toContain(bot.token);
  });

  it('--dry checks each notifier without sending a message', async () => {
    const { code, stdout } = await runBuff(['notify', 'test', '--dry'], { env });
    expect(code).toBe(0);
    expect(stdout).toMatch(/telegram\s+reachable/);
    expect(stdout).toMatch(/webhook\s+reachable/);
    expect(bot.requests.map((r) => r.method)).toEqual(['getMe', 'getChat']);
    expect(bot.shownTexts()).toEqual([]);
    expect(hook.received.map((r) => r.body.key)).toEqual(['ping']);
  });

  it('exits 3 naming each failure: a webhook 400 (not retried) and a Telegram chat refusal, with no secret shown', async () => {
    hook.always({ status: 400, body: { error: 'bad' } });
    bot.always(botApiError(403, `Forbidden: bot ${bot.token} was blocked by the user`));
    const human = await runBuff(['notify', 'test'], { env });
    expect(human.code).toBe(3);
    expect(human.stdout).toMatch(/telegram\s+FAILED/);
    expect(human.stdout).toMatch(/webhook\s+FAILED\s+1\s/);
    expect(human.stderr).toContain('NOTIFY_FAILED');
    const json = await runBuff(['notify', 'test', '--json'], { env });
    expect(json.code).toBe(3);
    const result = lastJson<{ ok: boolean; code: string; details: { results: Array<{ ok: boolean }> } }>(json.stdout);
    expect(result).toMatchObject({ ok: false, code: 'NOTIFY_FAILED' });
    expect(result.details.results.map((r) => r.ok)).toEqual([false, false]);
    expect(hook.received).toHaveLength(2); // one per run: a 400 is never retried
    for (const output of [human.stdout, human.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain(bot.token);
      expect(output).not.toContain(SECRET);
    }
  });

  it('refuses when nothing or half of a notifier is configured', async () => {
    const none = await runBuff(['notify', 'test'], {
      env: { BUFF_TELEGRAM_TOKEN: '', BUFF_WEBHOOK_URL: '', BUFF_WEBHOOK_SECRET: '' },
    });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('no notifier is configured');
    const half = await runBuff(['notify', 'test', '--json'], { env: { ...env, BUFF_TELEGRAM_CHAT_ID: '' } });
    expect(half.code).toBe(3);
    expect(lastJson(half.stdout)).toMatchObject({ code: 'INVALID_CONFIG', details: { key: 'BUFF_TELEGRAM_CHAT_ID' } });
  });

  it("a config's notify.telegram / notify.webhook choose the notifiers: false leaves one out, true requires it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'buff-notify-choice-'));
    try {
      const only = join(dir, 'telegram-only.yml');
      writeFileSync(only, 'notify: { telegram: true, webhook: false }\n');
      const sent = await runBuff(['notify', 'test', '--config', only, '--json'], { env });
      expect(sent.code, sent.stderr).toBe(0);
      const result = lastJson<{ results: Array<{ notifier: string; ok: boolean }> }>(sent.stdout);
      expect(result.results.map((r) => [r.notifier, r.ok])).toEqual([['telegram', true]]);
      expect(bot.shownTexts()).toHaveLength(1);
      expect(hook.received).toHaveLength(0);
      const missing = await runBuff(['notify', 'test', '--config', only, '--json'], {
        env: { ...env, BUFF_TELEGRAM_TOKEN: '', BUFF_TELEGRAM_CHAT_ID: '' },
      });
      expect(missing.code).toBe(3);
      expect(lastJson(missing.stdout)).toMatchObject({
        code: 'INVALID_CONFIG',
        details: { key: 'notify.telegram', rule: 'NOTIFIER_REQUIRED' },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('works from the built buff', async () => {
    const { code, stdout, stderr } = await runBuilt(['notify', 'test', '--json'], { env });
    expect(code, `${stdout}${stderr}`).toBe(0);
    expect(lastJson<{ results: unknown[] }>(stdout).results).toHaveLength(2);
    expect(bot.shownTexts()).toHaveLength(1);
    expect(hook.acceptedKeys()).toHaveLength(1);
  });
});
