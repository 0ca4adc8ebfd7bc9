import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLines } from '@buff/core';
import { verifyWebhookSignature, type JournalEntry } from '@buff/engine';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../packages/engine/src/notify/test-support/webhook-receiver.js';
import { lastJson, REPO_ROOT, runBuff } from './helpers/cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// Notifications from a dry-run session to a real webhook receiver on loopback: session start/stop,
// every emitted high-tier signal once (across a pause and a SIGKILL), the daily summary at midnight
// Europe/Prague, the crash found at resume, the kill switch; the config's switches honoured.
const SECRET = 'dryrun-notify-secret';
const tmp = makeTempDir('buff-dryrun-notify-');
let fx: Awaited<ReturnType<typeof promotedFixture>>;
let hook: WebhookReceiver;
const runsRoot = () => join(tmp.dir, 'runs');
const roots = () => ['--runs-root', runsRoot(), '--data-root', fx.dataRoot, '--models-root', fx.modelsRoot];
const env = () => ({ BUFF_WEBHOOK_URL: `${hook.url}/hook`, BUFF_WEBHOOK_SECRET: SECRET });

function writeConfig(name: string, notify: string): string {
  const path = join(tmp.dir, name);
  const yaml = [
    `name: notify ${name}`,
    'strategy: { name: model-signal, params: { model: { name: sig } } }',
    `symbols: [${fx.symbol}]`,
    'timeframe: 1m',
    // crosses midnight Europe/Prague (23:00 UTC in January): one daily summary
    'window: { since: "2024-01-03T20:00:00Z", until: "2024-01-04T02:00:00Z" }',
    'allowShort: true',
    'guardrails: { preset: ftmo-2step }',
    notify,
  ].join('\n');
  writeFileSync(path, `${yaml}\n`);
  return path;
}

async function dryrun(args: string[]): Promise<Record<string, unknown>> {
  const r = await runBuff(['dryrun', ...args, ...roots(), '--json'], { env: env() });
  expect(r.code, r.stderr).toBe(0);
  return lastJson(r.stdout);
}

/** The events the receiver accepted for a session, each key once (a deduplicating receiver). */
function eventsOf(session: string): Array<Record<string, unknown>> {
  const seen = new Set<string>();
  return hook.received
    .filter((r) => r.body.event?.sessionId === session || r.body.event?.kind === 'kill-switch')
    .filter((r) => !seen.has(r.body.key as string) && seen.add(r.body.key as string))
    .map((r) => r.body.event as Record<string, unknown>);
}

function emittedHighTier(dir: string): string[] {
  return decodeLines<JournalEntry>(readFileSync(join(dir, 'signals.journal')))
    .entries.filter((e) => e.signal && !e.rateLimited && e.signal.tier === 'high')
    .map((e) => e.signal?.ts as string);
}

beforeAll(async () => {
  hook = await startWebhookReceiver();
  fx = await promotedFixture(tmp.dir);
}, 300_000);
afterAll(async () => {
  await hook.close();
  tmp.cleanup();
});

describe('buff dryrun notifications (webhook on loopback)', () => {
  it('a paused then resumed session: start/stop each time, every high-tier signal once, the daily summary', async () => {
    const config = writeConfig('paused.yml', 'notify: { events: { highTierSignal: true } }');
    const first = await dryrun(['--config', config, '--iterations', '150']);
    const id = first.sessionId as string;
    expect(first.notifications).toMatchObject({ notifiers: ['webhook'], failed: 0, pending: 0 });
    const second = await dryrun(['--session', id]);
    expect(second.status).toBe('completed');
    const events = eventsOf(id);
    const sessions = events.filter((e) => e.kind === 'session').map((e) => `${e.state}`);
    expect(sessions).toEqual(['start', 'stop', 'start', 'stop']);
    const high = emittedHighTier(second.dir as string);
    expect(high.length).toBeGreaterThan(0);
    const signals = events.filter((e) => e.kind === 'signal');
    expect(signals.map((e) => e.barTs)).toEqual(high);
    expect(signals.every((e) => e.tier === 'high' && e.symbol === fx.symbol)).toBe(true);
    expect(events.filter((e) => e.kind === 'daily-summary')).toEqual([
      expect.objectContaining({ day: '2024-01-03', highTier: high.filter((ts) => ts < '2024-01-03T23').length }),
    ]);
    for (const r of hook.received.filter((x) => x.body.event?.sessionId === id))
      expect(verifyWebhookSignature(SECRET, r.raw, r.headers['x-buff-signature'] as string, Date.now() / 1000)).toBe(
        true,
      );
  }, 300_000);

  it('SIGKILL mid-session, then --session: the crash is notified and no signal is lost or sent twice', async () => {
    const config = writeConfig('killed.yml', 'notify: { events: { dailySummary: false } }');
    const first = await dryrun(['--config', config, '--iterations', '1']);
    const id = first.sessionId as string;
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')].concat(
        [join(REPO_ROOT, 'packages/cli/src/bin.ts'), 'dryrun', '--session', id, '--sleep-seconds', '0.02'],
        roots(),
      ),
      { stdio: 'ignore', env: { ...process.env, ...env(), BUFF_LOG_LEVEL: 'warn' } },
    );
    const closed = new Promise((resolve) => child.on('close', resolve));
    const started = () => hook.received.some((r) => r.body.event?.sessionId === id && r.body.event.state === 'start');
    for (let i = 0; i < 600 && hook.received.filter((r) => r.body.event?.sessionId === id).length < 3; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started()).toBe(true);
    child.kill('SIGKILL');
    await closed;
    const last = await dryrun(['--session', id]);
    expect(last.status).toBe('completed');
    const events = eventsOf(id);
    expect(events.filter((e) => e.kind === 'session').map((e) => e.state)).toEqual([
      'start',
      'stop',
      'start',
      'crash',
      'start',
      'stop',
    ]);
    const signals = events.filter((e) => e.kind === 'signal').map((e) => e.barTs);
    expect(signals).toEqual(emittedHighTier(last.dir as string));
    expect(events.some((e) => e.kind === 'daily-summary')).toBe(false); // switched off in the config
  }, 300_000);

  it('a session the kill switch stops sends the kill-switch change with its actor and reason', async () => {
    const on = await runBuff(['kill-switch', 'on', '--runs-root', runsRoot(), '--reason', 'feed <down> & "odd"']);
    expect(on.code, on.stderr).toBe(0);
    try {
      const r = await dryrun(['--config', writeConfig('killswitch.yml', '')]);
      expect(r.stopReason).toBe('kill switch on');
      const events = eventsOf(r.sessionId as string);
      expect(events.find((e) => e.kind === 'kill-switch')).toMatchObject({ on: true, reason: 'feed <down> & "odd"' });
      expect(events.filter((e) => e.kind === 'session').map((e) => e.state)).toEqual(['start', 'stop']);
    } finally {
      await runBuff(['kill-switch', 'off', '--runs-root', runsRoot()]);
    }
  }, 120_000);

  it("the config's notify.webhook: false holds at the resume too; notify.telegram: true without its settings refuses to start", async () => {
    const off = writeConfig('webhook-off.yml', 'notify: { webhook: false }');
    const first = await dryrun(['--config', off, '--iterations', '5']);
    const id = first.sessionId as string;
    expect(first.notifications).toBeUndefined();
    const second = await dryrun(['--session', id, '--iterations', '5']); // the webhook env is still set
    expect(second.notifications).toBeUndefined();
    // nothing was sent for this session (eventsOf also keeps the earlier test's kill-switch change)
    expect(hook.received.filter((r) => r.body.event?.sessionId === id)).toEqual([]);
    const required = writeConfig('telegram-required.yml', 'notify: { telegram: true }');
    const before = readdirSync(join(runsRoot(), 'dryrun')).length;
    const r = await runBuff(['dryrun', '--config', required, ...roots(), '--json'], { env: env() });
    expect(r.code, r.stderr).toBe(3);
    expect(lastJson(r.stdout)).toMatchObject({
      code: 'INVALID_CONFIG',
      details: { key: 'notify.telegram', rule: 'NOTIFIER_REQUIRED' },
    });
    expect(readdirSync(join(runsRoot(), 'dryrun')).length).toBe(before); // no session was created
  }, 120_000);

  it("a delivery the receiver refuses is logged with the session's id", async () => {
    hook.script({ status: 400, body: { error: 'no' } }); // the session-start notification
    const r = await runBuff(
      ['dryrun', '--config', writeConfig('refused.yml', ''), '--iterations', '5', ...roots(), '--json'],
      {
        env: { ...env(), BUFF_LOG_LEVEL: 'warn' },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const id = lastJson<{ sessionId: string }>(r.stdout).sessionId;
    const logs = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; sessionId?: string });
    const refused = logs.filter((l) => l.msg === 'notify: delivery refused by the receiver (not retried)');
    expect(refused.length, r.stderr).toBe(1);
    expect(refused[0]?.sessionId).toBe(id);
  }, 120_000);
});
