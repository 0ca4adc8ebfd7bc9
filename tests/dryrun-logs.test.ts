import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  candlesOf,
  type DryRunFixture,
  fakeCcxt,
  journalOf,
  registerSecondVersion,
  rootFlags,
} from './helpers/dryrun.js';
import { dryConfigYaml } from './helpers/dryrun-setup.js';
import { startFakeBinance, type FakeBinance } from './helpers/fake-exchange.js';
import { runBuilt } from './helpers/built-cli.js';
import { lastJson, runBuff } from './helpers/cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// The built buff's dry-run logs: every runtime line is JSON on stderr carrying the session id (a
// kill switch stop, a resume, a refused bar, a guardrail block and its end at midnight Prague, a
// model switch), and the summary names the inference backend. The window crosses midnight
// Europe/Prague (23:00 UTC in January) with a daily loss limit tight enough to be hit.
const tmp = makeTempDir('buff-dryrun-logs-');
afterAll(() => tmp.cleanup());
let fx: DryRunFixture;
let fake: FakeBinance;
let configPath: string;
const WINDOW = { since: '2024-01-03T20:00:00Z', until: '2024-01-04T01:00:00Z' };
const BAD_BAR = 30;
const MIDNIGHT_PRAGUE = Date.parse('2024-01-03T23:00:00Z');
const sessionPath = (id: string) => join(tmp.dir, 'runs', 'dryrun', id);
const runsRoot = () => join(tmp.dir, 'runs');
const roots = () => rootFlags(runsRoot(), fx);

beforeAll(async () => {
  fx = await promotedFixture(tmp.dir);
  const yaml = dryConfigYaml([fx.symbol], WINDOW).replace(
    'guardrails: { preset: ftmo-2step }',
    'guardrails: { preset: ftmo-2step, maxDailyLossPct: 0.01 }',
  );
  // one bad bar: its high below its open
  const candles = await candlesOf(yaml, fx.dataRoot, 0, (c, i) => (i === BAD_BAR ? { ...c, high: c.open - 1 } : c));
  fake = await startFakeBinance({ 'SIG/USDT': candles }, { now: () => Date.now() });
  const ccxt = fakeCcxt(fake, fx.symbol, { pollMs: 1000, maxAttempts: 3, retryMs: 100 });
  configPath = join(tmp.dir, 'logs.yml');
  writeFileSync(configPath, `${yaml}\ndryrun: ${JSON.stringify({ feed: 'ccxt', ccxt })}\n`);
}, 300_000);
afterAll(async () => {
  await fake?.close();
});

interface LogLine {
  sessionId?: string;
  msg: string;
  level: number;
  ts?: string;
  rule?: string;
}

/** `buff dryrun ARGS` from the bundle at log level info: the result (--json) or stdout, and its stderr lines parsed. */
async function dryrun(
  args: string[],
  json = true,
): Promise<{ out: Record<string, unknown>; stdout: string; logs: LogLine[] }> {
  const r = await runBuilt(['dryrun', ...args, ...roots(), ...(json ? ['--json'] : [])], {
    env: { BUFF_LOG_LEVEL: 'info' },
  });
  expect(r.code, r.stderr).toBe(0);
  // every stderr line is a JSON log line, but for the roots a human-mode command names first
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !(!json && /^[A-Z_]+=/.test(l)));
  const logs = lines.map((l) => JSON.parse(l) as LogLine);
  return { out: json ? lastJson(r.stdout) : {}, stdout: r.stdout, logs };
}

describe('buff dryrun logs (built buff)', () => {
  let id: string;
  const seen: LogLine[] = [];

  it('a kill switch stop, a resume with a refused bar and a guardrail block: JSON lines with the sessionId', async () => {
    const on = await runBuff(['kill-switch', 'on', '--runs-root', runsRoot(), '--reason', 'logs test']);
    expect(on.code, on.stderr).toBe(0);
    const stopped = await dryrun(['--config', configPath]);
    await runBuff(['kill-switch', 'off', '--runs-root', runsRoot()]);
    expect(stopped.out).toMatchObject({ status: 'stopped', stopReason: 'kill switch on', backend: 'js-forward' });
    id = stopped.out.sessionId as string;
    const first = await dryrun(['--session', id, '--iterations', '200']);
    expect(first.out).toMatchObject({ sessionId: id, status: 'stopped', counts: { bars: 200, refused: 1 } });
    for (const line of [...stopped.logs, ...first.logs]) seen.push(line);
    for (const line of seen) expect(line.sessionId, JSON.stringify(line)).toBe(id);
    const messages = seen.map((l) => l.msg);
    expect(messages).toContain('dry run: session open');
    expect(messages).toContain('dry run: kill switch on, session stopped');
    expect(messages).toContain('dry run: session resumed');
    const refused = seen.find((l) => l.msg === 'dry run: feed bar refused');
    expect(refused).toMatchObject({ rule: 'HIGH_BELOW_OPEN_CLOSE', level: 40 });
    expect(Date.parse(refused?.ts as string)).toBe(Date.parse(WINDOW.since) + BAD_BAR * 60_000);
  }, 300_000);

  it('a model switch at the next bar after a promotion, and the summary names the backend', async () => {
    await registerSecondVersion(fx, tmp.dir, 'switch while paused');
    const rest = await dryrun(['--session', id], false);
    expect(rest.stdout).toContain(`session ${id}: completed`);
    expect(rest.stdout).toContain('inference backend js-forward');
    for (const line of rest.logs) expect(line.sessionId, JSON.stringify(line)).toBe(id);
    expect(rest.logs.find((l) => l.msg === 'dry run: model switched')).toMatchObject({ version: 2, alias: 'champion' });
    seen.push(...rest.logs);
    const blocks = seen.filter((l) => l.msg === 'dry run: guardrail block');
    expect(blocks[0]).toMatchObject({ rule: 'max_daily_loss', level: 40, dailyFloor: 99_990 });
    expect(Date.parse(blocks[0]?.ts as string)).toBeLessThan(MIDNIGHT_PRAGUE);
    // the losing day's block ends at midnight Europe/Prague (CET: 23:00 UTC), not at midnight UTC
    const over = seen.filter((l) => l.msg === 'dry run: guardrail block over (new day)');
    expect(over.map((l) => l.ts)).toEqual([new Date(MIDNIGHT_PRAGUE).toISOString()]);
    const entries = journalOf(sessionPath(id));
    const blockedDay1 = entries.filter((e) => e.guardrail === 'max_daily_loss' && e.bar[0] < MIDNIGHT_PRAGUE);
    expect(blockedDay1.length).toBeGreaterThan(0);
    const firstBlock = Date.parse(blocks[0]?.ts as string);
    const entriesWhileBlocked = entries.filter(
      (e) => e.bar[0] > firstBlock && e.bar[0] < MIDNIGHT_PRAGUE && /^(enter|reverse)/.test(e.signal?.action ?? ''),
    );
    expect(entriesWhileBlocked).toEqual([]);
    expect(entries.find((e) => e.bar[0] === MIDNIGHT_PRAGUE)?.guardrail).toBeUndefined();
  }, 300_000);
});
