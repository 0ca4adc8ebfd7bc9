import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '@buff/core';
import { LaneGuardrailSchema, type LaneGuardrail } from './guardrail-state.js';

/** `runtime.json` beside a session's journal: live telemetry (wall-clock times), never an artifact. */
export const RUNTIME_FILE = 'runtime.json';

/** Upper bounds (seconds) of the latency histograms, as Prometheus `le` labels. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

const HistogramSchema = z
  .object({ counts: z.array(z.number().int()), sum: z.number(), count: z.number().int() })
  .strict();

/** What a running session tells the server's /api/health and /metrics. */
export const RuntimeStatsSchema = z
  .object({
    pid: z.number().int(),
    /** Wall-clock time of this write (ms). */
    updatedAt: z.number(),
    barsProcessed: z.number().int(),
    refusedBars: z.number().int(),
    signalsByTier: z.object({ high: z.number().int(), medium: z.number().int(), low: z.number().int() }).strict(),
    guardrailBlocks: z.number().int(),
    /** Time of the last bar handled (ms), and how long after its close it was handled. */
    lastBarTs: z.number().nullable(),
    feedLagMs: z.number().nullable(),
    /** Features, inference and the simulator step of one bar (seconds). */
    inferenceSeconds: HistogramSchema,
    /** Bar arrival to its journal line fsynced (seconds). */
    barSeconds: HistogramSchema,
    /** Each lane's guardrails at the write: today's loss floor, equity and the distance between them. */
    guardrails: z.array(LaneGuardrailSchema).optional(),
  })
  .strict();
export type RuntimeStats = z.infer<typeof RuntimeStatsSchema>;
type Histogram = z.infer<typeof HistogramSchema>;

function emptyHistogram(): Histogram {
  return { counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
}

function observe(h: Histogram, seconds: number): void {
  for (let b = 0; b < LATENCY_BUCKETS.length; b++)
    if (seconds <= (LATENCY_BUCKETS[b] as number)) h.counts[b] = (h.counts[b] ?? 0) + 1;
  h.sum += seconds;
  h.count++;
}

/**
 * A session's live counters and latency histograms (cumulative `le` counts, as Prometheus keeps
 * them), written to runtime.json at most once per `everyMs` of wall time and when the session pauses.
 * @example const stats = new RuntimeRecorder(dir, stepMs); stats.bar({ ... }); stats.flush();
 */
export class RuntimeRecorder {
  readonly stats: RuntimeStats = {
    pid: process.pid,
    updatedAt: 0,
    barsProcessed: 0,
    refusedBars: 0,
    signalsByTier: { high: 0, medium: 0, low: 0 },
    guardrailBlocks: 0,
    lastBarTs: null,
    feedLagMs: null,
    inferenceSeconds: emptyHistogram(),
    barSeconds: emptyHistogram(),
  };
  private written = 0;

  constructor(
    private readonly dir: string,
    private readonly stepMs: number,
    private readonly everyMs = 1000,
    /** The lanes' guardrail state, read at each write. */
    private readonly guardrails?: () => LaneGuardrail[],
  ) {}

  /** Counts one handled bar; writes runtime.json when the last write is older than `everyMs`. */
  bar(bar: { ts: number; refused: boolean; tier?: string | undefined; blocked: boolean }, timing: BarTiming): void {
    const s = this.stats;
    s.barsProcessed++;
    if (bar.refused) s.refusedBars++;
    else {
      s.lastBarTs = bar.ts;
      s.feedLagMs = Math.max(0, Date.now() - (bar.ts + this.stepMs));
    }
    if (bar.tier === 'high' || bar.tier === 'medium' || bar.tier === 'low') s.signalsByTier[bar.tier]++;
    if (bar.blocked) s.guardrailBlocks++;
    if (timing.inferenceSeconds !== undefined) observe(s.inferenceSeconds, timing.inferenceSeconds);
    observe(s.barSeconds, timing.barSeconds);
    if (Date.now() - this.written >= this.everyMs) this.flush();
  }

  /** Writes runtime.json now (atomically). */
  flush(): void {
    this.written = Date.now();
    this.stats.updatedAt = this.written;
    if (this.guardrails) this.stats.guardrails = this.guardrails();
    writeFileAtomic(join(this.dir, RUNTIME_FILE), `${JSON.stringify(this.stats)}\n`);
  }
}

/** How long one bar took: the model step (absent for a refused bar) and arrival to fsync. */
export interface BarTiming {
  inferenceSeconds?: number | undefined;
  barSeconds: number;
}
