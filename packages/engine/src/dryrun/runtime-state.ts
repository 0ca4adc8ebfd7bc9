import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { timeframeMs, type Timeframe } from '@buff/core';
import type { LaneGuardrail } from './guardrail-state.js';
import { RUNTIME_FILE, RuntimeStatsSchema, type RuntimeStats } from './runtime-stats.js';
import { listSessions, sessionDir, type SessionRecord } from './session-files.js';

/** One session as /api/health and /metrics report it. */
export interface SessionRuntime {
  id: string;
  status: SessionRecord['status'];
  symbols: string[];
  feed: SessionRecord['feed']['kind'];
  /** The live telemetry of the session's last process (absent before its first write). */
  stats?: RuntimeStats | undefined;
  /** ISO time of the last bar handled, when known. */
  lastBar: string | null;
  /** Now minus the close of the last bar handled (ms): how far the session is behind its feed; running sessions only. */
  feedLagMs: number | null;
}

/**
 * The runtime state of every dry-run session under a runs root: status, last bar, feed lag and the
 * counters and latency histograms of runtime.json (an unreadable runtime.json is left out).
 * @example const running = sessionRuntimes('runs').filter((s) => s.status === 'running');
 */
export function sessionRuntimes(runsRoot: string, now = Date.now()): SessionRuntime[] {
  return listSessions(runsRoot).map((s) => {
    const stats = readStats(join(sessionDir(runsRoot, s.id), RUNTIME_FILE));
    const last = stats?.lastBarTs ?? null;
    const stepMs = timeframeMs(String((s.config as { timeframe?: string }).timeframe ?? '1m') as Timeframe);
    return {
      id: s.id,
      status: s.status,
      symbols: s.lanes.map((l) => l.symbol),
      feed: s.feed.kind,
      stats,
      lastBar: last === null ? null : new Date(last).toISOString(),
      feedLagMs: last === null || s.status !== 'running' ? null : Math.max(0, now - (last + stepMs)),
    };
  });
}

/**
 * Each lane's guardrails as the session's last runtime.json write left them (today's loss floor,
 * equity, distance), or null before the first write.
 * @example sessionGuardrails('runs', id)?.[0]?.distance
 */
export function sessionGuardrails(runsRoot: string, id: string): LaneGuardrail[] | null {
  return readStats(join(sessionDir(runsRoot, id), RUNTIME_FILE))?.guardrails ?? null;
}

function readStats(file: string): RuntimeStats | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = RuntimeStatsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // replaced while read: the next scrape reads the new one
  }
}
