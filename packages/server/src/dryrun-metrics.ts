import { LATENCY_BUCKETS, sessionRuntimes, type SessionRuntime } from '@buff/engine';
import { Counter, Gauge, type Registry } from 'prom-client';

type Histogram = NonNullable<SessionRuntime['stats']>['inferenceSeconds'];

/**
 * Registers the dry-run meters on the server's registry: each scrape reads the sessions' runtime
 * files under the runs root (bars processed, refused bars, signals by tier, guardrail blocks, feed
 * lag, sessions by status, inference and bar latency histograms, labelled by session). Call the
 * returned `refresh` once before each scrape: every meter then reports the same read. The series
 * are bounded: running and crashed sessions, and the `keepEnded` ended ones (stopped, completed) whose
 * runtime file was written last; a session whose folder is gone has none. `buff_dryrun_sessions`
 * counts every session by status.
 * @example const dryrun = registerDryRunMetrics(registry, runsRoot); dryrun.refresh(); await registry.metrics();
 */
export function registerDryRunMetrics(registry: Registry, runsRoot: string, keepEnded = 20): { refresh: () => void } {
  let all: SessionRuntime[] = [];
  let current: SessionRuntime[] = [];
  const sessions = (): SessionRuntime[] => current;
  const fromStats = (name: string, help: string, pick: (s: NonNullable<SessionRuntime['stats']>) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['session'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of sessions()) if (s.stats) this.inc({ session: s.id }, pick(s.stats));
      },
    });
  fromStats(
    'buff_dryrun_bars_processed_total',
    'Feed bars a dry-run session handled (its current process)',
    (s) => s.barsProcessed,
  );
  fromStats('buff_dryrun_refused_bars_total', 'Feed bars refused by the ingest rules', (s) => s.refusedBars);
  fromStats('buff_dryrun_guardrail_blocks_total', 'Decisions a guardrail blocked or closed', (s) => s.guardrailBlocks);
  new Counter({
    name: 'buff_dryrun_signals_total',
    help: 'Signals emitted, by tier',
    labelNames: ['session', 'tier'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of sessions())
        for (const [tier, n] of Object.entries(s.stats?.signalsByTier ?? {})) this.inc({ session: s.id, tier }, n);
    },
  });
  new Gauge({
    name: 'buff_dryrun_feed_lag_seconds',
    help: 'Now minus the close of the last bar a running session handled',
    labelNames: ['session'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of sessions()) if (s.feedLagMs !== null) this.set({ session: s.id }, s.feedLagMs / 1000);
    },
  });
  new Gauge({
    name: 'buff_dryrun_sessions',
    help: 'Dry-run sessions by status',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const status of ['running', 'stopped', 'completed', 'crashed'])
        this.set({ status }, all.filter((s) => s.status === status).length);
    },
  });
  registerFileHistogram(
    registry,
    sessions,
    'buff_dryrun_inference_seconds',
    'Features, inference and simulator step per bar',
    (s) => s.inferenceSeconds,
  );
  registerFileHistogram(
    registry,
    sessions,
    'buff_dryrun_bar_seconds',
    'Bar arrival to its journal line fsynced',
    (s) => s.barSeconds,
  );
  return {
    refresh() {
      all = sessionRuntimes(runsRoot);
      current = labelledSessions(all, keepEnded);
    },
  };
}

/** Running and crashed sessions, and the `keepEnded` ended ones updated last (ties by id). */
function labelledSessions(sessions: SessionRuntime[], keepEnded: number): SessionRuntime[] {
  const live = (s: SessionRuntime) => s.status === 'running' || s.status === 'crashed';
  const ended = sessions
    .filter((s) => !live(s))
    .sort((a, b) => (b.stats?.updatedAt ?? 0) - (a.stats?.updatedAt ?? 0) || a.id.localeCompare(b.id))
    .slice(0, keepEnded);
  const kept = new Set(ended.map((s) => s.id));
  return sessions.filter((s) => live(s) || kept.has(s.id));
}

/** A histogram whose buckets the sessions keep in their runtime files (prom-client renders it). */
function registerFileHistogram(
  registry: Registry,
  sessions: () => SessionRuntime[],
  name: string,
  help: string,
  pick: (s: NonNullable<SessionRuntime['stats']>) => Histogram,
): void {
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
      for (const s of sessions()) {
        if (!s.stats) continue;
        const h = pick(s.stats);
        LATENCY_BUCKETS.forEach((le, b) => {
          values.push({ metricName: `${name}_bucket`, labels: { session: s.id, le }, value: h.counts[b] ?? 0 });
        });
        values.push({ metricName: `${name}_bucket`, labels: { session: s.id, le: '+Inf' }, value: h.count });
        values.push({ metricName: `${name}_sum`, labels: { session: s.id }, value: h.sum });
        values.push({ metricName: `${name}_count`, labels: { session: s.id }, value: h.count });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
  };
  registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
}
