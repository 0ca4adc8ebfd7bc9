import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BuffError, canonicalJson, writeFileAtomic } from '@buff/core';

/** `<RUNS_ROOT>/.buff/kill-switch.json`: the current state. */
export const KillSwitchStateSchema = z
  .object({ on: z.boolean(), changedAt: z.string(), actor: z.string(), reason: z.string() })
  .strict();
export type KillSwitchState = z.infer<typeof KillSwitchStateSchema>;

/** What readKillSwitch reports: the state plus where it came from. */
export interface KillSwitchStatus extends KillSwitchState {
  /** 'file' read fine, 'default' no file yet (off), 'unreadable' failed closed (on). */
  source: 'file' | 'default' | 'unreadable';
}

/**
 * Paths of the state file and the append-only audit log under a runs root.
 * @example killSwitchPaths('runs').state // 'runs/.buff/kill-switch.json'
 */
export function killSwitchPaths(runsRoot: string): { state: string; audit: string } {
  const dir = join(runsRoot, '.buff');
  return { state: join(dir, 'kill-switch.json'), audit: join(dir, 'kill-switch-audit.jsonl') };
}

/**
 * Reads the kill switch. No file means off; a file that cannot be read or parsed means ON
 * (fail closed).
 * @example if ((await readKillSwitch('runs')).on) refuse();
 */
export async function readKillSwitch(runsRoot: string): Promise<KillSwitchStatus> {
  const { state } = killSwitchPaths(runsRoot);
  let text: string;
  try {
    text = await readFile(state, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { on: false, changedAt: '', actor: '', reason: '', source: 'default' };
    return failedClosed(`state file unreadable: ${(err as Error).message}`);
  }
  try {
    return { ...KillSwitchStateSchema.parse(JSON.parse(text)), source: 'file' };
  } catch {
    return failedClosed(`state file corrupt: ${state}`);
  }
}

function failedClosed(reason: string): KillSwitchStatus {
  return { on: true, changedAt: '', actor: 'system', reason, source: 'unreadable' };
}

/**
 * Turns the kill switch on or off: appends an audit line (who, when, reason), then writes the
 * state atomically. The audit line comes first so that no change is ever unrecorded.
 * @example await setKillSwitch('runs', { on: true, actor: 'alice', reason: 'bad data feed' });
 */
export async function setKillSwitch(
  runsRoot: string,
  change: { on: boolean; actor: string; reason?: string; at?: Date },
): Promise<KillSwitchState> {
  if (!change.actor.trim())
    throw new BuffError('INVALID_INPUT', 'kill switch change needs an actor', { details: { key: 'actor' } });
  const previous = await readKillSwitch(runsRoot);
  const state: KillSwitchState = {
    on: change.on,
    changedAt: (change.at ?? new Date()).toISOString(),
    actor: change.actor,
    reason: change.reason ?? '',
  };
  const { state: statePath, audit } = killSwitchPaths(runsRoot);
  mkdirSync(join(runsRoot, '.buff'), { recursive: true });
  appendDurably(audit, `${canonicalJson({ ...state, previous: previous.on, previousSource: previous.source })}\n`);
  writeFileAtomic(statePath, `${canonicalJson(state)}\n`);
  return state;
}

/**
 * Every audit line, oldest first.
 * @example (await readKillSwitchAudit('runs')).at(-1)?.actor
 */
export async function readKillSwitchAudit(runsRoot: string): Promise<Array<KillSwitchState & { previous: boolean }>> {
  try {
    const text = await readFile(killSwitchPaths(runsRoot).audit, 'utf8');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as KillSwitchState & { previous: boolean });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Refuses with KILL_SWITCH_ON (503) when the switch is on; called before every run creation
 * and ingest, so a change takes effect on the next request.
 * @example await assertKillSwitchOff(runsRoot, 'run creation');
 */
export async function assertKillSwitchOff(runsRoot: string, action: string): Promise<void> {
  const status = await readKillSwitch(runsRoot);
  if (status.on) {
    throw new BuffError(
      'KILL_SWITCH_ON',
      `kill switch is on: ${action} refused (${status.reason || 'no reason given'})`,
      {
        details: {
          rule: 'KILL_SWITCH_ON',
          action,
          actor: status.actor,
          since: status.changedAt,
          source: status.source,
        },
      },
    );
  }
}

function appendDurably(path: string, line: string): void {
  const fd = openSync(path, 'a');
  try {
    appendFileSync(fd, line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
