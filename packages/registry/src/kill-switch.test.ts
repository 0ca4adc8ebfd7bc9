import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { isBuffError } from '@buff/core';
import { assertKillSwitchOff, openKillSwitch, readKillSwitchAudit, setKillSwitch } from './kill-switch.js';
import { killSwitchPaths, readKillSwitch } from './kill-switch-state.js';

describe('kill switch', () => {
  const temps: Array<() => void> = [];
  afterEach(() => temps.splice(0).forEach((cleanup) => cleanup()));
  const root = (): string => {
    const t = makeTempDir('buff-ks-');
    temps.push(t.cleanup);
    return t.dir;
  };

  it('is off when never set, on after set, and audits each change', async () => {
    const runsRoot = root();
    expect((await readKillSwitch(runsRoot)).on).toBe(false);
    await setKillSwitch(runsRoot, {
      on: true,
      actor: 'alice',
      reason: 'bad feed',
      at: new Date('2024-05-01T00:00:00Z'),
    });
    const on = await readKillSwitch(runsRoot);
    expect(on).toMatchObject({
      on: true,
      actor: 'alice',
      reason: 'bad feed',
      source: 'file',
      changedAt: '2024-05-01T00:00:00.000Z',
    });
    await expect(assertKillSwitchOff(runsRoot, 'run creation')).rejects.toSatisfy((err) =>
      isBuffError(err, 'KILL_SWITCH_ON'),
    );
    await setKillSwitch(runsRoot, { on: false, actor: 'bob' });
    await assertKillSwitchOff(runsRoot, 'run creation');
    const audit = await readKillSwitchAudit(runsRoot);
    expect(audit.map((a) => [a.on, a.actor, a.previous])).toEqual([
      [true, 'alice', false],
      [false, 'bob', true],
    ]);
  });

  it('fails closed: a corrupt or unreadable state file means on', async () => {
    const runsRoot = root();
    const { state } = killSwitchPaths(runsRoot);
    mkdirSync(`${runsRoot}/.buff`, { recursive: true });
    writeFileSync(state, '{"on": fal');
    expect(await readKillSwitch(runsRoot)).toMatchObject({ on: true, source: 'unreadable' });
    writeFileSync(state, JSON.stringify({ on: false, changedAt: 'x', actor: 'a', reason: '', extra: 1 }));
    expect((await readKillSwitch(runsRoot)).on).toBe(true);
    mkdirSync(`${runsRoot}/x`);
    writeFileSync(state, JSON.stringify({ on: false, changedAt: 'x', actor: 'a', reason: '' }));
    if (process.getuid?.() !== 0) {
      chmodSync(state, 0o000);
      expect((await readKillSwitch(runsRoot)).on).toBe(true);
      chmodSync(state, 0o600);
    }
    expect((await readKillSwitch(runsRoot)).on).toBe(false);
  });

  it('writes no audit line for a request that changes nothing', async () => {
    const runsRoot = root();
    expect((await setKillSwitch(runsRoot, { on: false, actor: 'alice' })).changed).toBe(false);
    expect((await setKillSwitch(runsRoot, { on: true, actor: 'alice', reason: 'first' })).changed).toBe(true);
    const again = await setKillSwitch(runsRoot, { on: true, actor: 'bob', reason: 'second' });
    expect(again).toMatchObject({ changed: false, state: { on: true, actor: 'alice', reason: 'first' } });
    expect((await readKillSwitchAudit(runsRoot)).map((a) => [a.actor, a.previous, a.seq])).toEqual([
      ['alice', false, 1],
    ]);
  });

  it('writes no audit line when the state could not be written (issue 16)', async () => {
    const runsRoot = root();
    await setKillSwitch(runsRoot, { on: true, actor: 'alice' });
    const { state } = killSwitchPaths(runsRoot);
    // a folder where the state file goes: the state reads as unreadable (on) and cannot be replaced
    rmSync(state);
    mkdirSync(`${state}/blocker`, { recursive: true });
    await expect(setKillSwitch(runsRoot, { on: false, actor: 'bob' })).rejects.toSatisfy(
      (err) => isBuffError(err, 'IO_ERROR') && err.message.includes(state),
    );
    expect((await readKillSwitchAudit(runsRoot)).map((a) => a.actor)).toEqual(['alice']);
    expect((await readKillSwitch(runsRoot)).on).toBe(true);
  });

  it('puts the old state back when its audit line cannot be written', async () => {
    const runsRoot = root();
    await setKillSwitch(runsRoot, { on: true, actor: 'alice' });
    const { audit, state } = killSwitchPaths(runsRoot);
    const before = readFileSync(state, 'utf8');
    chmodSync(audit, 0o400);
    if (process.getuid?.() === 0) {
      // root writes through file modes: block the append with a folder instead
      chmodSync(audit, 0o600);
      const lines = readFileSync(audit, 'utf8');
      rmSync(audit);
      mkdirSync(audit);
      await expect(setKillSwitch(runsRoot, { on: false, actor: 'bob' })).rejects.toThrow();
      rmSync(audit, { recursive: true });
      writeFileSync(audit, lines);
    } else {
      await expect(setKillSwitch(runsRoot, { on: false, actor: 'bob' })).rejects.toThrow(audit);
      chmodSync(audit, 0o600);
    }
    expect(readFileSync(state, 'utf8')).toBe(before);
    expect((await readKillSwitchAudit(runsRoot)).map((a) => a.actor)).toEqual(['alice']);
  });

  it('repairs the audit log after a crash: drops a torn tail, adds the line a crash left out', async () => {
    const runsRoot = root();
    await setKillSwitch(runsRoot, { on: true, actor: 'alice' });
    const { audit, state } = killSwitchPaths(runsRoot);
    // crash after the state write of change 2, before its audit line; a torn line from another crash
    writeFileSync(
      state,
      JSON.stringify({ on: false, changedAt: 'x', actor: 'bob', reason: '', seq: 2, previous: true }),
    );
    appendFileSync(audit, '{"on":tr');
    await setKillSwitch(runsRoot, { on: true, actor: 'carol' });
    const entries = await readKillSwitchAudit(runsRoot);
    expect(entries.map((a) => [a.actor, a.on, a.previous, a.seq, a.recovered ?? false])).toEqual([
      ['alice', true, false, 1, false],
      ['bob', false, true, 2, true],
      ['carol', true, false, 3, false],
    ]);
  });

  it('orders concurrent changes: one audit line per real change, each with the right previous', async () => {
    const runsRoot = root();
    const ks = openKillSwitch(runsRoot);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => ks.set({ on: i % 3 !== 0, actor: `t${i}` })),
    );
    const entries = await ks.audit();
    expect(entries.length).toBe(results.filter((r) => r.changed).length);
    let previous = false;
    for (const [i, e] of entries.entries()) {
      expect(e.previous).toBe(previous);
      expect(e.on).not.toBe(previous);
      expect(e.seq).toBe(i + 1);
      previous = e.on;
    }
    expect(await ks.isOn()).toBe(previous);
  });

  it('refuses a change without an actor', async () => {
    await expect(setKillSwitch(root(), { on: true, actor: ' ' })).rejects.toSatisfy((err) =>
      isBuffError(err, 'INVALID_INPUT'),
    );
  });
});

function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(`${tmpdir()}/${prefix}`);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
