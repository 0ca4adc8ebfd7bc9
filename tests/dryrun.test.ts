import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '@buff/ml';
import { type DryRunFixture, journalOf, rootFlags } from './helpers/dryrun.js';
import { backtestBytes, dryConfigYaml } from './helpers/dryrun-setup.js';
import { lastJson, REPO_ROOT, runBuff } from './helpers/cli.js';
import { runBuilt } from './helpers/built-cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// The dry run through the CLI on a promoted CI-sized model: parity with `buff run build` of the same
// window (equal bytes), resume after --iterations and after SIGKILL at seeded random moments, the kill switch.
const tmp = makeTempDir('buff-dryrun-');
afterAll(() => tmp.cleanup());
let fx: DryRunFixture;
let configPath: string;
let backtest: { decisions: Buffer; trades: Buffer };
const runsRoot = () => join(tmp.dir, 'runs');
const roots = () => rootFlags(runsRoot(), fx);

beforeAll(async () => {
  fx = await promotedFixture(tmp.dir);
  configPath = join(tmp.dir, 'dry.yml');
  writeFileSync(configPath, `${dryConfigYaml([fx.symbol])}\n`);
  backtest = await backtestBytes(tmp.dir, dryConfigYaml([fx.symbol]), roots());
}, 300_000);

async function dryrun(args: string[]): Promise<Record<string, unknown>> {
  const r = await runBuff(['dryrun', ...args, ...roots(), '--json']);
  expect(r.code, r.stderr).toBe(0);
  return lastJson(r.stdout);
}

function expectParity(sessionDir: string): void {
  expect(readFileSync(join(sessionDir, 'decisions.arrow')).equals(backtest.decisions)).toBe(true);
  expect(readFileSync(join(sessionDir, 'trades.arrow')).equals(backtest.trades)).toBe(true);
}

function journalSeqs(sessionDir: string): number[] {
  return journalOf(sessionDir).map((e) => e.seq);
}

/** Waits (bounded) until session.json says the child `pid` runs the session, or the child has finished it. */
async function untilRunning(id: string, pid: number): Promise<void> {
  const file = join(runsRoot(), 'dryrun', id, 'session.json');
  for (let i = 0; i < 600; i++) {
    const s = JSON.parse(readFileSync(file, 'utf8')) as { status: string; pid: number };
    if (s.pid === pid && s.status !== 'stopped') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`dry-run child ${pid} did not open session ${id} within 60 s`);
}

describe('buff dryrun (replay feed)', () => {
  it('a replay over the window gives decisions.arrow and trades.arrow byte-identical to buff run build', async () => {
    const r = await dryrun(['--config', configPath, '--feed', 'replay']);
    expect(r.status).toBe('completed');
    expect(r.signals).toBeGreaterThan(0);
    expectParity(r.dir as string);
    const listed = await dryrun(['list']);
    expect((listed.sessions as Array<{ id: string }>).map((s) => s.id)).toContain(r.sessionId);
    const signals = await dryrun(['signals', r.sessionId as string]);
    const list = signals.signals as Array<Record<string, unknown>>;
    expect(list.length).toBe(r.signals);
    const FIELDS = ['ts', 'symbol', 'direction', 'probability', 'confidence', 'tier', 'model', 'version', 'reason'];
    for (const s of list) expect(Object.keys(s)).toEqual(FIELDS);
    expect(list[0]?.model).toBe('sig');
  }, 300_000);

  it('the built buff (code cache on) runs a replay session with the same bytes', async () => {
    const r = await runBuilt(['dryrun', '--config', configPath, '--feed', 'replay', ...roots(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = lastJson<{ status: string; dir: string; sessionId: string; signals: number }>(r.stdout);
    expect(result.status).toBe('completed');
    expect(result.sessionId).toMatch(/^dry-[0-9a-f]{16}$/);
    expect(result.signals).toBeGreaterThan(0);
    expectParity(result.dir);
  }, 300_000);

  it('--iterations pauses the session; --session resumes at the next bar and ends byte-identical', async () => {
    const first = await dryrun(['--config', configPath, '--iterations', '150']);
    expect(first.status).toBe('stopped');
    expect((first.counts as { bars: number }).bars).toBe(150);
    const status = await dryrun(['status', first.sessionId as string]);
    expect((status.session as { status: string }).status).toBe('stopped');
    const second = await dryrun(['--session', first.sessionId as string]);
    expect(second.status).toBe('completed');
    expect(journalSeqs(second.dir as string)).toEqual(Array.from({ length: 480 }, (_, i) => i));
    expectParity(second.dir as string);
  }, 300_000);

  it('SIGKILL at seeded random moments, then --session: no duplicate, no lost bar or signal', async () => {
    const rng = seededRandom(12, 'dryrun-kill');
    const first = await dryrun(['--config', configPath, '--iterations', '1']);
    const id = first.sessionId as string;
    const seen: string[] = [];
    for (let kill = 0; kill < 3; kill++) {
      const child = spawn(
        process.execPath,
        ['--conditions=source', '--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')].concat(
          [join(REPO_ROOT, 'packages/cli/src/bin.ts'), 'dryrun', '--session', id, '--sleep-seconds', '0.02'],
          roots(),
        ),
        { stdio: 'ignore', env: { ...process.env, BUFF_LOG_LEVEL: 'warn' } },
      );
      // listen from the start: a resumed session may complete and exit before the kill comes
      const closed = new Promise((resolve) => child.on('close', resolve));
      // kill at a seeded moment after the child has opened the session (startup time varies with load)
      await untilRunning(id, child.pid as number);
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.floor(rng.next() * 3000)));
      child.kill('SIGKILL');
      await closed;
      const status = await dryrun(['status', id]);
      seen.push((status.session as { status: string }).status);
    }
    expect(seen.filter((s) => s === 'crashed').length).toBeGreaterThan(0); // killed mid-session at least once
    expect(seen.every((s) => s === 'crashed' || s === 'completed')).toBe(true);
    const last = await dryrun(['--session', id]);
    expect(last.status).toBe('completed');
    expect(journalSeqs(last.dir as string)).toEqual(Array.from({ length: 480 }, (_, i) => i));
    expectParity(last.dir as string);
  }, 300_000);

  it('the kill switch stops a session before its next bar', async () => {
    const on = await runBuff(['kill-switch', 'on', '--runs-root', runsRoot(), '--reason', 'test']);
    expect(on.code, on.stderr).toBe(0);
    try {
      const r = await dryrun(['--config', configPath]);
      expect(r.status).toBe('stopped');
      expect(r.stopReason).toBe('kill switch on');
      expect((r.counts as { bars: number }).bars).toBe(0);
    } finally {
      await runBuff(['kill-switch', 'off', '--runs-root', runsRoot()]);
    }
  }, 120_000);
});
