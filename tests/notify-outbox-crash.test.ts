import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../packages/engine/src/notify/test-support/webhook-receiver.js';
import { makeTempDir } from './helpers/tmp.js';

const CHILD = new URL('./helpers/notify-outbox-child.ts', import.meta.url).pathname;
const TSX_LOADER = new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

function startChild(args: string[]) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', TSX_LOADER, CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function until(condition: () => boolean, what: string, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 20; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('notification outbox across a SIGKILL', () => {
  let hook: WebhookReceiver;
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(async () => {
    hook = await startWebhookReceiver();
    tmp = makeTempDir('buff-outbox-crash-');
  });
  afterEach(async () => {
    await hook.close();
    tmp.cleanup();
  });

  it('a notification queued when the process is killed is delivered after the restart, exactly once', async () => {
    hook.script('hang'); // the first delivery attempt never gets an answer
    const first = startChild(['enqueue', tmp.dir, hook.url]);
    await until(() => first.stdout().includes('queued') && hook.received.length === 1, 'the queued message in flight');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(hook.acceptedKeys()).toEqual([]); // nothing was delivered before the crash

    const second = startChild(['flush', tmp.dir, hook.url]);
    expect((await second.exited).code, second.stderr()).toBe(0);
    const report = JSON.parse(second.stdout().trim()) as { delivered: number; pending: number; key: string };
    expect(report).toMatchObject({ delivered: 1, pending: 0 });
    expect(hook.acceptedKeys()).toEqual([report.key]);
    expect(hook.received.at(-1)?.body.event).toMatchObject({ reason: 'queued before the crash' });

    const third = startChild(['flush', tmp.dir, hook.url]);
    expect((await third.exited).code, third.stderr()).toBe(0);
    expect(JSON.parse(third.stdout().trim())).toMatchObject({ delivered: 0, pending: 0 });
    expect(hook.received).toHaveLength(2); // the unanswered attempt and the one delivery; no third
    expect(hook.acceptedKeys()).toEqual([report.key]);
  }, 180_000);
});
