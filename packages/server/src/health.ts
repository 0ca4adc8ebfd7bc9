import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listStrategies, sessionRuntimes } from '@buff/engine';
import { readKillSwitch } from '@buff/registry';
import type { ServerContext } from './server-context.js';

/** One health check's outcome. */
export interface HealthCheck {
  ok: boolean;
  message: string;
  [key: string]: unknown;
}

/** GET /api/health's body; `ok` false answers 503. */
export interface HealthReport {
  ok: boolean;
  checks: Record<'registry' | 'strategies' | 'dataRoot' | 'disk' | 'killSwitch' | 'jobs' | 'dryrun', HealthCheck>;
}

async function check(run: () => Promise<HealthCheck>): Promise<HealthCheck> {
  try {
    return await run();
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Checks the registry reads and writes, the builder resolves strategies, the data root exists,
 * the disk has room, the kill-switch state is readable, and reports the job queue depth.
 * @example const report = await checkHealth(ctx); res.status(report.ok ? 200 : 503).json(report);
 */
export async function checkHealth(ctx: ServerContext): Promise<HealthReport> {
  const [registry, strategies, dataRoot, disk, killSwitch] = await Promise.all([
    check(async () => {
      const reg = await ctx.registry();
      const { total } = await reg.list({ limit: 1 });
      const probe = join(ctx.runsRoot, '.buff', `.health-${randomBytes(4).toString('hex')}`);
      await mkdir(join(ctx.runsRoot, '.buff'), { recursive: true });
      await writeFile(probe, 'ok');
      await rm(probe, { force: true });
      return { ok: true, message: 'readable and writable', runs: total };
    }),
    check(async () => {
      const names = listStrategies().map((s) => s.name);
      return {
        ok: names.length > 0,
        message: names.length > 0 ? `${names.length} strategies` : 'no strategies registered',
        names,
      };
    }),
    check(async () => {
      const info = await stat(ctx.dataRoot);
      return { ok: info.isDirectory(), message: info.isDirectory() ? 'present' : 'not a folder', path: ctx.dataRoot };
    }),
    check(async () => {
      const fs = await statfs(ctx.runsRoot);
      const freeBytes = Number(fs.bavail) * Number(fs.bsize);
      const ok = freeBytes >= ctx.limits.minFreeDiskBytes;
      return {
        ok,
        message: ok ? 'enough free space' : 'low disk space',
        freeBytes,
        minFreeBytes: ctx.limits.minFreeDiskBytes,
      };
    }),
    check(async () => {
      const status = await readKillSwitch(ctx.runsRoot);
      const ok = status.source !== 'unreadable';
      return {
        ok,
        message: ok ? (status.on ? 'on: new runs and ingest refused' : 'off') : status.reason,
        on: status.on,
        since: status.changedAt,
        actor: status.actor,
      };
    }),
  ]);
  const depth = await ctx.queue.depth();
  const jobs: HealthCheck = {
    ok: true,
    message: `${depth} queued, interrupted or running`,
    depth,
    limit: ctx.limits.maxJobs,
  };
  const dryrun = await check(async () =>
    dryRunHealth(ctx.runsRoot, killSwitch.on === true, ctx.limits.dryrunMaxFeedLagMs),
  );
  const checks = { registry, strategies, dataRoot, disk, killSwitch, jobs, dryrun };
  return { ok: Object.values(checks).every((c) => c.ok), checks };
}

/**
 * The dry-run runtime: sessions running (each one's last bar and feed lag), whether the kill switch
 * stops them, and what needs a look: a crashed session (its process died while running: resume it
 * with `buff dryrun --session ID`) or a live (ccxt) feed whose last bar closed more than `maxFeedLagMs`
 * ago. Either makes the check fail (the report answers 503). Stored feeds (replay, synthetic) replay
 * the past: their lag to the clock is no sign of a stale feed.
 */
function dryRunHealth(runsRoot: string, killSwitchOn: boolean, maxFeedLagMs: number): HealthCheck {
  const sessions = sessionRuntimes(runsRoot);
  const running = sessions.filter((s) => s.status === 'running');
  const crashed = sessions.filter((s) => s.status === 'crashed').map((s) => ({ id: s.id, lastBar: s.lastBar }));
  const stale = running
    .filter((s) => s.feed === 'ccxt' && s.feedLagMs !== null && s.feedLagMs > maxFeedLagMs)
    .map((s) => ({ id: s.id, lastBar: s.lastBar, feedLagMs: s.feedLagMs }));
  const problems = [
    crashed.length > 0 ? `${crashed.length} crashed (resume with buff dryrun --session ID)` : '',
    stale.length > 0 ? `${stale.length} with a stale feed (no bar for over ${maxFeedLagMs / 1000} s)` : '',
  ].filter((p) => p !== '');
  const stops = killSwitchOn && running.length > 0 ? '; the kill switch stops them at their next bar' : '';
  return {
    ok: problems.length === 0,
    message: `${running.length} dry-run session(s) running${stops}${problems.length > 0 ? `; ${problems.join('; ')}` : ''}`,
    running: running.length,
    killSwitchOn,
    sessions: running.map((s) => ({
      id: s.id,
      symbols: s.symbols,
      feed: s.feed,
      lastBar: s.lastBar,
      feedLagMs: s.feedLagMs,
    })),
    crashed,
    stale,
    maxFeedLagMs,
  };
}
