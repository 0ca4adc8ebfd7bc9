import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * `<RUNS_ROOT>/.buff/kill-switch.json`: the current state. `seq` numbers the changes (the n-th
 * audit line records change n) and `previous` is the state it replaced; files written before
 * both existed still read.
 */
export const KillSwitchStateSchema = z
  .object({
    on: z.boolean(),
    changedAt: z.string(),
    actor: z.string(),
    reason: z.string(),
    seq: z.number().int().positive().optional(),
    previous: z.boolean().optional(),
  })
  .strict();
export type KillSwitchState = z.infer<typeof KillSwitchStateSchema>;

/** Where a reported state came from: read fine, no file yet (off), or failed closed (on). */
export const KillSwitchSourceSchema = z.enum(['file', 'default', 'unreadable']);
export type KillSwitchSource = z.infer<typeof KillSwitchSourceSchema>;

/** What readKillSwitch reports: the state plus where it came from. */
export type KillSwitchStatus = KillSwitchState & { source: KillSwitchSource };

/** One line of the append-only audit log: a change that happened, and what it replaced. */
export const KillSwitchAuditEntrySchema = z
  .object({
    on: z.boolean(),
    changedAt: z.string(),
    actor: z.string(),
    reason: z.string(),
    previous: z.boolean(),
    previousSource: KillSwitchSourceSchema.optional(),
    seq: z.number().int().positive().optional(),
    /** Written by the next change when a crash fell between the state write and its audit line. */
    recovered: z.boolean().optional(),
  })
  .strict();
export type KillSwitchAuditEntry = z.infer<typeof KillSwitchAuditEntrySchema>;

/**
 * Paths of the state file, the append-only audit log and the lock that orders changes.
 * @example killSwitchPaths('runs').state // 'runs/.buff/kill-switch.json'
 */
export function killSwitchPaths(runsRoot: string): { dir: string; state: string; audit: string; lock: string } {
  const dir = join(runsRoot, '.buff');
  return {
    dir,
    state: join(dir, 'kill-switch.json'),
    audit: join(dir, 'kill-switch-audit.jsonl'),
    lock: join(dir, 'kill-switch.lock'),
  };
}

/**
 * Reads the kill switch synchronously (a few microseconds: cheap enough for every bar). No file
 * means off; a file that cannot be read or parsed means ON (fail closed).
 * @example if (readKillSwitchSync('runs').on) return;
 */
export function readKillSwitchSync(runsRoot: string): KillSwitchStatus {
  const { state } = killSwitchPaths(runsRoot);
  let text: string;
  try {
    // a stat that does not throw first: a dry run asks at every bar, and an ENOENT error costs ~5x a stat
    if (statSync(state, { throwIfNoEntry: false }) === undefined) return offByDefault();
    text = readFileSync(state, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return offByDefault();
    return failedClosed(`state file unreadable: ${(err as Error).message}`);
  }
  try {
    return { ...KillSwitchStateSchema.parse(JSON.parse(text)), source: 'file' };
  } catch {
    return failedClosed(`state file corrupt: ${state}`);
  }
}

/**
 * Reads the kill switch: off when never set, ON when its state cannot be read.
 * @example if ((await readKillSwitch('runs')).on) refuse();
 */
export async function readKillSwitch(runsRoot: string): Promise<KillSwitchStatus> {
  return readKillSwitchSync(runsRoot);
}

function offByDefault(): KillSwitchStatus {
  return { on: false, changedAt: '', actor: '', reason: '', source: 'default' };
}

function failedClosed(reason: string): KillSwitchStatus {
  return { on: true, changedAt: '', actor: 'system', reason, source: 'unreadable' };
}
