import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry, SessionRecord } from '@buff/engine';
import { BUILT_CLI_BIN, runBuilt } from './helpers/built-cli.js';
import { builtBuff, journalOf, rootFlags } from './helpers/dryrun.js';
import { dryConfigYaml } from './helpers/dryrun-setup.js';
import { lastJson, REPO_ROOT } from './helpers/cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// The built buff: `dryrun status` and `dryrun stop` of a session whose process was SIGKILLed
// (crashed: marked stopped, then resumable; its counts are the journal's), and a forced rate-limit hit (signals over the limit
// are journaled and counted as rate-limited, not emitted).
const tmp = makeTempDir('buff-dryrun-stop-');
afterAll(() => tmp.cleanup());
let fx: Awaited<ReturnType<typeof promotedFixture>>;
let configPath: string;
const runsRoot = () => join(tmp.dir, 'runs');
const roots = () => rootFlags(runsRoot(), fx);

beforeAll(async () => {
  fx = await promotedFixture(tmp.dir);
  configPath = join(tmp.dir, 'dry.yml');
  writeFileSync(configPath, `${dryConfigYaml([fx.symbol])}\n`);
}, 300_000);

const buff = (args: string[], json = true) => builtBuff(args, roots(), { json });
const journal = (id: string) => journalOf(join(runsRoot(), 'dryrun', id));

function sessionJson(id: string): { rateLimitPerMinute?: number } {
  return JSON.parse(readFileSync(join(runsRoot(), 'dryrun', id, 'session.json'), 'utf8'));
}

/** Waits (bounded: 120 s) until the session `pid` runs has handled a few bars; its id. */
async function runningSession(pid: number): Promise<string> {
  const { listSessions } = await import('@buff/engine');
  for (let i = 0; i < 1200; i++) {
    const s = listSessions(runsRoot()).find((x) => x.pid === pid && x.status === 'running');
    if (s && journal(s.id).length >= 3) return s.id;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no session running in process ${pid} within 120 s`);
}

/** The counts the journal's lines make (what `dryrun status` must report). */
function countsOf(entries: JournalEntry[]): Partial<SessionRecord['counts']> {
  return {
    bars: entries.length,
    used: entries.filter((e) => !e.refused).length,
    refused: entries.filter((e) => e.refused).length,
    gaps: entries.filter((e) => e.gap).length,
    signals: entries.filter((e) => e.signal && !e.rateLimited).length,
    rateLimited: entries.filter((e) => e.signal && e.rateLimited).length,
    modelSwitches: entries.filter((e) => e.switchTo).length,
  };
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid as number;
}

describe('buff dryrun status and stop (built buff)', () => {
  it('a SIGKILLed session reads crashed; stop marks it stopped; --session resumes it', async () => {
    const child = spawn(
      process.execPath,
      [BUILT_CLI_BIN, 'dryrun', '--config', configPath, '--sleep-seconds', '0.2', ...roots()],
      { cwd: REPO_ROOT, stdio: 'ignore', env: { ...process.env, BUFF_LOG_LEVEL: 'warn' } },
    );
    const closed = new Promise((resolve) => child.on('close', resolve));
    const id = await runningSession(child.pid as number);
    child.kill('SIGKILL');
    await closed;
    const human = await buff(['dryrun', 'status', id], false);
    expect(human.stdout).toMatch(new RegExp(`^${id} crashed ${fx.symbol} replay sig v1: bars \\d+/480`, 'm'));
    const status = await buff(['dryrun', 'status', id]);
    expect(status.out.session).toMatchObject({ id, status: 'crashed', pid: child.pid });
    // killed before its first snapshot (every 500 bars): the counts are the journal's, not session.json's zeros
    const left = journal(id);
    expect(left.length).toBeGreaterThanOrEqual(3);
    expect((status.out.session as SessionRecord).counts).toMatchObject(countsOf(left));
    expect(human.stdout).toContain(`bars ${left.length}/480`);
    const stopped = await buff(['dryrun', 'stop', id]);
    expect(stopped.out).toMatchObject({ stopRequested: false, markedStopped: true, session: { status: 'stopped' } });
    expect((stopped.out.session as { stopReason: string }).stopReason).toBe(
      `stopped after a crash (process ${child.pid} was gone)`,
    );
    const after = await buff(['dryrun', 'status', id], false);
    expect(after.stdout).toMatch(new RegExp(`^${id} stopped `, 'm'));
    const again = await buff(['dryrun', 'stop', id], false);
    expect(again.stdout).toContain(`${id} is stopped`);
    const resumed = await buff(['dryrun', '--session', id]);
    expect(resumed.out).toMatchObject({ sessionId: id, status: 'completed', counts: { bars: 480 } });
    // the default rate limit is stored like a given one
    expect(sessionJson(id).rateLimitPerMinute).toBe(6);
    expect(journal(id).map((e) => e.seq)).toEqual(Array.from({ length: 480 }, (_, i) => i));
    // the death is kept in session.json: an unplanned one is a crash in the observation summary, one
    // recorded as planned before the kill (the soak's) is not
    const { processDeaths, readSession, recordPlannedKill, sessionDir } = await import('@buff/engine');
    const session = readSession(runsRoot(), id);
    expect(session.crashes).toEqual([{ pid: child.pid, bars: left.length }]);
    const dir = sessionDir(runsRoot(), id);
    expect(processDeaths(session, dir, undefined)).toEqual({ crashes: 1, planned: 0 });
    recordPlannedKill(dir, { pid: (child.pid as number) + 1, reason: 'another process' });
    expect(processDeaths(session, dir, undefined)).toEqual({ crashes: 1, planned: 0 });
    recordPlannedKill(dir, { pid: child.pid as number, reason: 'test: planned' });
    expect(processDeaths(session, dir, undefined)).toEqual({ crashes: 0, planned: 1 });
  }, 300_000);

  it('status and list of a session killed after a snapshot count the snapshot and the journal lines after it', async () => {
    const first = await buff(['dryrun', '--config', configPath, '--iterations', '100']);
    const id = first.out.sessionId as string;
    const file = join(runsRoot(), 'dryrun', id, 'session.json');
    const atSnapshot = JSON.parse(readFileSync(file, 'utf8')) as SessionRecord;
    expect(atSnapshot.counts.bars).toBe(100);
    await buff(['dryrun', '--session', id, '--iterations', '50']);
    // the state a SIGKILL leaves 50 bars after a snapshot: session.json as the snapshot wrote it
    // (running, in a process now gone), the journal 50 lines further
    writeFileSync(file, JSON.stringify({ ...atSnapshot, status: 'running', pid: await deadPid() }));
    const entries = journal(id);
    expect(entries.length).toBe(150);
    const status = await buff(['dryrun', 'status', id]);
    expect(status.out.session).toMatchObject({ id, status: 'crashed', counts: countsOf(entries) });
    const human = await buff(['dryrun', 'status', id], false);
    expect(human.stdout).toContain(`crashed ${fx.symbol} replay sig v1: bars 150/480`);
    const listed = await buff(['dryrun', 'list']);
    const sessions = listed.out.sessions as SessionRecord[];
    expect(sessions.find((s) => s.id === id)?.counts).toMatchObject(countsOf(entries));
    const listedHuman = await buff(['dryrun', 'list'], false);
    expect(listedHuman.stdout).toMatch(new RegExp(`^${id} crashed .*: bars 150/480,`, 'm'));
    // and the resume goes on from the journal: 480 bars in all, each once
    const rest = await buff(['dryrun', '--session', id]);
    expect(rest.out).toMatchObject({ sessionId: id, status: 'completed', counts: { bars: 480 } });
    expect(journal(id).map((e) => e.seq)).toEqual(Array.from({ length: 480 }, (_, i) => i));
  }, 300_000);

  it('a forced rate-limit hit: over --rate-limit, a signal is journaled and counted as rate-limited, not emitted', async () => {
    // 0.1 a minute: at most one signal in any 10 minutes of bar time
    const r = await runBuilt(['dryrun', '--config', configPath, '--rate-limit', '0.1', ...roots(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = lastJson<{ sessionId: string; signals: number; counts: { rateLimited: number; signals: number } }>(
      r.stdout,
    );
    const entries = journal(result.sessionId).filter((e) => e.signal);
    const limited = entries.filter((e) => e.rateLimited);
    const emitted = entries.filter((e) => !e.rateLimited);
    expect(limited.length).toBeGreaterThan(0);
    expect(result.counts.rateLimited).toBe(limited.length);
    expect(result.signals).toBe(emitted.length);
    const times = (list: JournalEntry[]) => list.map((e) => Date.parse(e.signal?.ts ?? ''));
    // emitted signals are 10 minutes apart at least; each limited one came within 10 minutes of the last emitted
    const sent = times(emitted);
    for (let i = 1; i < sent.length; i++)
      expect((sent[i] as number) - (sent[i - 1] as number)).toBeGreaterThanOrEqual(600_000);
    for (const t of times(limited)) {
      const last = sent.filter((s) => s <= t).at(-1) as number;
      expect(t - last).toBeLessThan(600_000);
    }
    // the warning log line names the session; `dryrun signals` lists only what was emitted
    const warnings = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; sessionId: string });
    const rateLogs = warnings.filter((w) => w.msg === 'dry run: signal rate-limited');
    expect(rateLogs.length).toBe(limited.length);
    for (const w of rateLogs) expect(w.sessionId).toBe(result.sessionId);
    const listed = await buff(['dryrun', 'signals', result.sessionId]);
    expect((listed.out.signals as unknown[]).length).toBe(emitted.length);
    // each rate-limited line says why, as a guardrail block names its rule: in the journal, the log and `signals --all`
    const reason = 'rate-limit: 1 signal per 10 minutes per symbol';
    for (const e of limited) expect(e.suppressed).toBe(reason);
    for (const w of rateLogs) expect(w).toMatchObject({ reason });
    const all = await buff(['dryrun', 'signals', result.sessionId, '--all']);
    const allSignals = all.out.signals as Array<{ suppressed?: string }>;
    expect(allSignals.length).toBe(entries.length);
    expect(allSignals.filter((x) => x.suppressed === reason).length).toBe(limited.length);
  }, 300_000);

  it('a resume keeps the stored --rate-limit: another value, a config or a feed on the command line is refused', async () => {
    const r = await runBuilt([
      'dryrun',
      '--config',
      configPath,
      '--rate-limit',
      '0.1',
      '--iterations',
      '60',
      ...roots(),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const id = lastJson<{ sessionId: string }>(r.stdout).sessionId;
    expect(sessionJson(id).rateLimitPerMinute).toBe(0.1);
    for (const [flags, named] of [
      [
        ['--rate-limit', '3'],
        /started with --rate-limit 0\.1 \(stored in its session\.json\); resume it without --rate-limit/,
      ],
      [['--feed', 'synthetic'], /started with --feed replay/],
      [['--config', configPath], /--config cannot change it/],
    ] as const) {
      const refused = await runBuilt(['dryrun', '--session', id, ...flags, ...roots()]);
      expect(refused.code, refused.stderr).toBe(3);
      expect(refused.stderr).toMatch(named);
      expect(journal(id).length).toBe(60); // nothing handled
    }
    // the stored limit given again, or none: the session goes on at 0.1 a minute
    const same = await buff(['dryrun', '--session', id, '--rate-limit', '0.1', '--iterations', '60']);
    expect(same.out).toMatchObject({ sessionId: id, counts: { bars: 120 } });
    const rest = await buff(['dryrun', '--session', id]);
    expect(rest.out).toMatchObject({ sessionId: id, status: 'completed', counts: { bars: 480 } });
    const sent = journal(id)
      .filter((e) => e.signal && !e.rateLimited)
      .map((e) => Date.parse(e.signal?.ts ?? ''));
    for (let i = 1; i < sent.length; i++)
      expect((sent[i] as number) - (sent[i - 1] as number)).toBeGreaterThanOrEqual(600_000);
  }, 300_000);
});
