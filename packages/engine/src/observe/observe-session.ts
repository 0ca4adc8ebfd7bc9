import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuffError, decodeLines, writeFileAtomic, type RunStore } from '@buff/core';
import { buildPreparedRun } from '../build-run.js';
import { JOURNAL_FILE, readSession, sessionDir } from '../dryrun/session-files.js';
import type { JournalEntry } from '../dryrun/journal-entry.js';
import { GuardrailsConfigSchema } from '../guardrails-config.js';
import { prepareRun } from '../prepare-run.js';
import type { RunConfigInput } from '../run-config.js';
import { loadRunInputs } from '../run-inputs.js';
import type { ModelResolver } from '../strategy.js';
import type { ObservationInput, ObservationReport } from './observation-report.js';
import { readObservedRun } from './observed-run.js';
import type { BaselineBars } from './reconcile.js';

/** Where the report's inputs are, and how to get a baseline. */
export interface ObserveSessionOptions {
  runsRoot: string;
  dataRoot: string;
  sessionId: string;
  /** Publishes the on-the-fly baseline (`buff run build` of the session's config) and finds `baselineRunId`. */
  runStore: RunStore;
  /** A published run to compare with; else the baseline is built (or found: same id) now. */
  baselineRunId?: string | undefined;
  resolveModel: ModelResolver;
}

/**
 * Gathers what an observation report reads: the session, its journal and snapshots, and the
 * baseline run with the bars it read. Without `baselineRunId`, the baseline is `buff run build`'s
 * own path (prepareRun + buildPreparedRun) over the session's config, pinned to the model version
 * the session started with; the same session always names the same run id.
 * @example const input = await observationInputOf({ runsRoot, dataRoot, sessionId, runStore, resolveModel });
 */
export async function observationInputOf(options: ObserveSessionOptions): Promise<ObservationInput> {
  const session = readSession(options.runsRoot, options.sessionId);
  const dir = sessionDir(options.runsRoot, session.id);
  const lanes = (session as { lanes?: unknown[] }).lanes;
  if (lanes !== undefined && lanes.length > 1)
    throw new BuffError(
      'INVALID_INPUT',
      `${session.id} runs ${lanes.length} symbols: the report covers one-symbol sessions`,
      {
        details: { key: 'session', value: session.id, rule: 'ONE_SYMBOL' },
      },
    );
  const journalPath = join(dir, JOURNAL_FILE);
  const journal = existsSync(journalPath) ? decodeLines<JournalEntry>(readFileSync(journalPath)).entries : [];
  const baseline = await baselineOf(
    options,
    session.config as RunConfigInput,
    session.model.version,
    session.feed.kind,
  );
  const guardrails = GuardrailsConfigSchema.safeParse(session.config.guardrails ?? {});
  return {
    session,
    dir,
    journal,
    dry: readObservedRun(dir),
    baseline: readObservedRun(baseline.runDir),
    baselineLabel: baseline.label,
    baselineBars: baseline.bars,
    timezone: guardrails.success ? guardrails.data.timezone : 'UTC',
  };
}

async function baselineOf(
  options: ObserveSessionOptions,
  config: RunConfigInput,
  version: number,
  feed: string,
): Promise<{ runDir: string; label: string; bars: BaselineBars | undefined }> {
  if (options.baselineRunId !== undefined) {
    const runDir = options.runStore.runDir(options.baselineRunId);
    if (!(await options.runStore.has(options.baselineRunId)))
      throw new BuffError('RUN_NOT_FOUND', `no run ${options.baselineRunId} under ${options.runsRoot}`, {
        details: { key: 'baseline', value: options.baselineRunId },
      });
    const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as { config: RunConfigInput };
    const bars = await barsOf(manifest.config, options).catch(() => undefined);
    return { runDir, label: `${options.baselineRunId} (given with --baseline)`, bars };
  }
  if (feed !== 'replay')
    throw new BuffError(
      'INVALID_INPUT',
      `the session's feed is ${feed}: no stored bars to build a baseline from; pass --baseline RUN_ID`,
      {
        details: { key: 'baseline', rule: 'BASELINE_NEEDS_STORED_BARS' },
      },
    );
  const pinned = pinModel(config, version);
  const prepared = await prepareRun(pinned, { resolveModel: options.resolveModel });
  const built = await buildPreparedRun(prepared, { runStore: options.runStore, dataRoot: options.dataRoot });
  const label = `${built.runId} (built on the fly: buff run build of the session's config, model v${version})`;
  return { runDir: built.runDir, label, bars: await barsOf(prepared.config, options) };
}

function pinModel(config: RunConfigInput, version: number): RunConfigInput {
  const c = config as RunConfigInput & { strategy: { params: { model: Record<string, unknown> } } };
  const model = { ...c.strategy.params.model, version };
  return { ...c, strategy: { ...c.strategy, params: { ...c.strategy.params, model } } };
}

async function barsOf(config: RunConfigInput, options: ObserveSessionOptions): Promise<BaselineBars> {
  const prepared = await prepareRun(config, { resolveModel: options.resolveModel });
  const { bars, verified } = await loadRunInputs(prepared.config, options.dataRoot);
  await verified;
  const map: BaselineBars = new Map();
  prepared.config.symbols.forEach((symbol, s) => {
    const b = bars[s];
    if (!b) return;
    for (let i = 0; i < b.ts.length; i++)
      map.set(`${symbol} ${b.ts[i]}`, [b.ts[i], b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]] as [
        number,
        number,
        number,
        number,
        number,
        number,
      ]);
  });
  return map;
}

/**
 * Writes the report's files into `dir` (each to a temp file, fsynced, renamed), creating it.
 * @example writeObservationReport('reports/observation/dry-0123456789abcdef', report);
 */
export function writeObservationReport(dir: string, report: ObservationReport): string[] {
  mkdirSync(dir, { recursive: true });
  const names = [...report.files.keys()].sort();
  for (const name of names) writeFileAtomic(join(dir, name), report.files.get(name) as string);
  return names;
}
