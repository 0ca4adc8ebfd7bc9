import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuffError, decodeLines, writeFileAtomic, type RunStore } from '@buff/core';
import { buildPreparedRun } from '../build-run.js';
import { laneConfig } from '../dryrun/lane.js';
import { JOURNAL_FILE, laneDir, readSession, sessionDir } from '../dryrun/session-files.js';
import type { JournalEntry } from '../dryrun/journal-entry.js';
import { GuardrailsConfigSchema } from '../guardrails-config.js';
import { prepareRun } from '../prepare-run.js';
import type { RunConfigInput } from '../run-config.js';
import { loadRunInputs } from '../run-inputs.js';
import type { ModelResolver } from '../strategy.js';
import type { ObservationInput, ObservationReport } from './observation-report.js';
import { mergeObservedRuns, readObservedRun, type ObservedRun } from './observed-run.js';
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
  const journalPath = join(dir, JOURNAL_FILE);
  const journal = existsSync(journalPath) ? decodeLines<JournalEntry>(readFileSync(journalPath)).entries : [];
  const symbols = session.lanes.map((l) => l.symbol);
  const config = session.config as RunConfigInput;
  const lanes: LaneObservation[] = [];
  const given = options.baselineRunId === undefined ? undefined : await givenBaseline(options);
  for (const lane of session.lanes) {
    const base =
      given ??
      (await builtBaseline(
        options,
        laneConfig(config, lane.symbol, session.models?.[lane.symbol]),
        lane.model.version,
        session.feed.kind,
      ));
    const baseline = given ? onlySymbols(given.run, [lane.symbol], false) : base.run;
    const dry = readObservedRun(laneDir(dir, symbols, lane.symbol));
    lanes.push({ symbol: lane.symbol, dry, baseline, baselineLabel: base.label, bars: base.bars });
  }
  const guardrails = GuardrailsConfigSchema.safeParse(session.config.guardrails ?? {});
  return {
    session,
    dir,
    journal,
    dry: mergeObservedRuns(lanes.map((l) => l.dry)),
    baseline: given ? onlySymbols(given.run, symbols, true) : mergeObservedRuns(lanes.map((l) => l.baseline)),
    baselineLabel:
      given?.label ?? lanes.map((l) => (lanes.length === 1 ? '' : `${l.symbol}: `) + l.baselineLabel).join('; '),
    baselineBars: mergedBars(lanes.map((l) => l.bars)),
    timezone: guardrails.success ? guardrails.data.timezone : 'UTC',
    ...(lanes.length > 1 ? { lanes: lanes.map(({ symbol, dry, baseline }) => ({ symbol, dry, baseline })) } : {}),
  };
}

/** One lane's sides and the bars its baseline read. */
interface LaneObservation {
  symbol: string;
  dry: ObservedRun;
  baseline: ObservedRun;
  baselineLabel: string;
  bars: BaselineBars | undefined;
}

interface Baseline {
  run: ObservedRun;
  label: string;
  bars: BaselineBars | undefined;
}

/** The run `--baseline` names (every symbol of a multi-symbol session is compared with its rows of that run). */
async function givenBaseline(options: ObserveSessionOptions): Promise<Baseline> {
  const id = options.baselineRunId as string;
  const runDir = options.runStore.runDir(id);
  if (!(await options.runStore.has(id)))
    throw new BuffError('RUN_NOT_FOUND', `no run ${id} under ${options.runsRoot}`, {
      details: { key: 'baseline', value: id },
    });
  const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as { config: RunConfigInput };
  const bars = await barsOf(manifest.config, options).catch(() => undefined);
  return { run: readObservedRun(runDir), label: `${id} (given with --baseline)`, bars };
}

/** `buff run build` of one lane's config, pinned to the model version the lane started with. */
async function builtBaseline(
  options: ObserveSessionOptions,
  config: RunConfigInput,
  version: number,
  feed: string,
): Promise<Baseline> {
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
  return { run: readObservedRun(built.runDir), label, bars: await barsOf(prepared.config, options) };
}

/** A given run's rows of these symbols; its equity only when it covers them all (a run's equity is its portfolio's). */
function onlySymbols(run: ObservedRun, symbols: readonly string[], keepEquity: boolean): ObservedRun {
  const decisions = run.decisions.filter((d) => symbols.includes(d.symbol));
  const trades = run.trades.filter((t) => symbols.includes(t.symbol));
  return { decisions, trades, equity: keepEquity ? run.equity : { ts: [], equity: [] } };
}

function mergedBars(all: ReadonlyArray<BaselineBars | undefined>): BaselineBars | undefined {
  if (all.some((b) => b === undefined)) return undefined;
  if (all.length === 1) return all[0];
  return new Map(all.flatMap((b) => [...(b as BaselineBars)]));
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
