import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendLinesDurably, decodeLines, encodeLine } from '@buff/core';
import type { SessionRecord } from '../dryrun/session-files.js';
import type { OutboxSummary } from './observe-stats.js';

/** Kills a harness made on purpose (the soak's SIGKILL), one checksummed line each, in the session folder. */
export const PLANNED_KILLS_FILE = 'planned-kills.journal';

/** A kill recorded before it was made: the process it kills, and why. */
export interface PlannedKill {
  pid: number;
  reason: string;
}

/**
 * Records (append, fsync) that process `pid` of the session in `dir` is about to be killed on
 * purpose, so that the observation summary does not count its death as a crash. Call it before the kill.
 * @example recordPlannedKill(sessionDir(runsRoot, id), { pid: child.pid, reason: 'soak: SIGKILL at half-way' });
 */
export function recordPlannedKill(dir: string, kill: PlannedKill): void {
  appendLinesDurably(join(dir, PLANNED_KILLS_FILE), encodeLine(kill));
}

/** The planned kills recorded for the session in `dir` (none when the file is absent). */
export function readPlannedKills(dir: string): PlannedKill[] {
  const file = join(dir, PLANNED_KILLS_FILE);
  return existsSync(file) ? decodeLines<PlannedKill>(readFileSync(file)).entries : [];
}

/**
 * The session's process deaths, split into crashes and planned kills: each death the session
 * recorded at a resume (or that leaves it crashed now) is planned when its pid was recorded by
 * `recordPlannedKill` first. A session from before deaths were recorded counts its outbox's crash notices.
 * @example const { crashes, planned } = processDeaths(session, dir, outboxSummary(dir));
 */
export function processDeaths(
  session: SessionRecord,
  dir: string,
  outbox: OutboxSummary | undefined,
): { crashes: number; planned: number } {
  const plannedPids = new Set(readPlannedKills(dir).map((k) => k.pid));
  const deaths = (session.crashes ?? []).map((c) => c.pid);
  if (session.status === 'crashed') deaths.push(session.pid);
  if (session.crashes === undefined && session.status !== 'crashed')
    return { crashes: outbox?.crashes ?? 0, planned: 0 };
  const planned = deaths.filter((pid) => plannedPids.has(pid)).length;
  return { crashes: deaths.length - planned, planned };
}
