import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { isBuffError } from '@buff/core';
import {
  assertKillSwitchOff,
  killSwitchPaths,
  readKillSwitch,
  readKillSwitchAudit,
  setKillSwitch,
} from './kill-switch.js';

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
