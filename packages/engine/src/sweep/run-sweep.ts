import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  BuffError,
  canonicalJson,
  contentId,
  silentLogger,
  type Logger,
  type RunInput,
  type RunStore,
} from '@buff/core';
import type { Bars } from '@buff/core';
import { buildPreparedRun } from '../build-run.js';
import { engineVersion } from '../engine-version.js';
import { parseRunConfig, type RunConfig, type RunConfigInput } from '../run-config.js';
import { type PreparedRun, prepareRun } from '../prepare-run.js';
import { type CellEvaluatorOptions, cellEvaluator } from './cell-evaluator.js';
import { loadRunInputs } from '../run-inputs.js';
import { applyCell, type CellParams, sweepCells } from './sweep-cells.js';
import {
  type CellSummary,
  cellSharpe,
  chooseByFold,
  equityReturns,
  type FoldMetrics,
  foldMetrics,
  segmentEdges,
  walkForwardEfficiency,
} from './sweep-cell-metrics.js';
import { summarizeEquity } from './summarize-equity.js';
import type { SweepConfig } from './sweep-config.js';
import { deflatedSharpeRatio, moments, probabilityOfOverfittingFromBlocks } from './sweep-stats.js';
import { readSweepReport, writeSweepFolder } from './sweep-store.js';
import type { SweepReport } from './sweep-report.js';
import { type Fold, walkForwardFolds } from './walk-forward.js';

/** What {@link runSweep} needs besides the config. */
export interface RunSweepOptions extends CellEvaluatorOptions {
  /** Where the sweep config was read from: `base` is resolved against its folder. */
  configPath: string;
  dataRoot: string;
  /** The run registry: sweeps are kept under its root, the best cell's run is registered in it. */
  runStore: RunStore;
  logger?: Logger;
  /**
   * Summarises the cells elsewhere (`buff sweep --driver fs|pg`: `sweep-cell` jobs of a chunk of
   * cells each on `buff worker`s, `sweepCellSummaries`) and returns their summaries in cell
   * order; by default the cells are simulated in this process. The best cell is simulated again here.
   * Each cell comes with its grid parameters (`params`), for cutting the cells into chunks.
   */
  cellSummaries?: (
    cells: Array<{ cell: number; config: RunConfigInput; params: CellParams }>,
    sweepId: string,
    plan: Pick<SweepConfig, 'walkForward' | 'cscvBlocks'>,
  ) => Promise<CellSummary[]>;
}

export interface RunSweepResult {
  report: SweepReport;
  dir: string;
  /** False when the sweep already existed: nothing was computed or written. */
  created: boolean;
  /** Indicator series the shared cache computed (0 when every cell ran the full simulator, or none ran). */
  indicatorSeries: number;
}

/**
 * Runs a parameter sweep: every cell simulated once over the base window on one shared data load, its
 * equity cut into walk-forward folds; reports in- and out-of-sample figures per fold, the walk-forward
 * efficiency, the probability of backtest overfitting (CSCV) and the deflated Sharpe ratio of the best
 * cell. The sweep id is a content id over the config, the inputs and the engine: a second run is a no-op.
 * @example const { report } = await runSweep(parseSweepConfig(text, 'sweep.yml'), { configPath: 'sweep.yml', dataRoot: 'data', runStore: registry });
 */
export async function runSweep(sweep: SweepConfig, options: RunSweepOptions): Promise<RunSweepResult> {
  const logger = options.logger ?? silentLogger();
  const basePath = resolve(dirname(options.configPath), sweep.base);
  const base = readBase(basePath);
  const cells = sweepCells(sweep);
  const prepared = await Promise.all(cells.map((cell, index) => cellConfig(base, cell, index, basePath)));
  const data = await loadSharedInputs(
    prepared.map((p) => p.config),
    options.dataRoot,
  );
  const version = engineVersion();
  const sweepId = `sweep-${contentId({ sweep: { ...sweep, base: parseRunConfig(base, basePath) }, inputs: data.inputs, engineVersion: version }).slice(0, 16)}`;
  const existing = readSweepReport(options.runStore.root, sweepId);
  if (existing) return { report: existing.report, dir: existing.dir, created: false, indicatorSeries: 0 };

  const evaluate = cellEvaluator(data.bars, options);
  const remote = options.cellSummaries
    ? await options.cellSummaries(
        cells.map((cell, index) => ({ cell: index, config: applyCell(base, cell) as RunConfigInput, params: cell })),
        sweepId,
        { walkForward: sweep.walkForward, cscvBlocks: sweep.cscvBlocks },
      )
    : undefined;
  const summary = summarizeCells(sweep, prepared, evaluate, remote);
  logger.info({ sweepId, cells: cells.length, indicatorSeries: evaluate.cache.computed }, 'sweep cells simulated');
  const report = summarize(sweep, sweepId, cells, summary, data.inputs);
  if (sweep.keep === 'best' && report.best !== null) {
    const built = await buildPreparedRun(prepared[report.best.cell] as PreparedRun, {
      runStore: options.runStore,
      dataRoot: options.dataRoot,
      logger,
    });
    report.best.runId = built.runId;
  }
  const dir = await writeSweepFolder(options.runStore.root, report, summary.rows);
  return { report, dir, created: true, indicatorSeries: evaluate.cache.computed };
}

function readBase(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BuffError('NOT_FOUND', `sweep base config ${path} cannot be read: ${(err as Error).message}`, {
      details: { file: path, key: 'base' },
    });
  }
  const raw: unknown = parseYaml(text);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new BuffError('INVALID_CONFIG', `${path}: a run config must be a mapping`, { details: { file: path } });
  return raw as Record<string, unknown>;
}

function cellConfig(
  base: Record<string, unknown>,
  cell: CellParams,
  index: number,
  basePath: string,
): Promise<PreparedRun> {
  // the cell's config is checked by prepareRun's strict parse
  return prepareRun(applyCell(base, cell) as RunConfigInput, {
    source: `${basePath} with sweep cell ${index} ${canonicalJson(cell)}`,
  });
}

/** The data every cell reads: one load, refused when a cell would read other data (a swept window or symbol). */
async function loadSharedInputs(configs: RunConfig[], dataRoot: string): Promise<{ bars: Bars[]; inputs: RunInput[] }> {
  const first = configs[0];
  if (first === undefined)
    throw new BuffError('INVALID_CONFIG', 'the sweep has no cells', { details: { key: 'grid' } });
  const dataKey = (c: RunConfig): string => canonicalJson([c.symbols, c.timeframe, c.window, c.data]);
  const differing = configs.findIndex((c) => dataKey(c) !== dataKey(first));
  if (differing >= 0) {
    throw new BuffError(
      'INVALID_CONFIG',
      `sweep cell ${differing} changes the data (symbols, timeframe, window or data)`,
      {
        details: { key: 'grid', rule: 'SHARED_DATA' },
      },
    );
  }
  const loaded = await loadRunInputs(first, dataRoot);
  await loaded.verified;
  return { bars: loaded.bars, inputs: loaded.inputs };
}

/** What the cells leave behind: per-cell summaries, the fold rows, and the best cell's returns. */
interface SweepSummary {
  summaries: CellSummary[];
  rows: FoldMetrics[];
  sharpes: number[];
  bestReturns: Float64Array | undefined;
}

/**
 * Simulates every cell once, keeping only its summary (or takes the summaries workers computed);
 * the best cell is simulated again for its returns.
 */
function summarizeCells(
  sweep: SweepConfig,
  prepared: PreparedRun[],
  evaluate: (cell: PreparedRun) => Float64Array,
  remote?: CellSummary[],
): SweepSummary {
  let folds: Fold[] = [];
  let edges: number[] = [];
  let buffer: Float64Array | undefined;
  const plan = (equityLength: number): void => {
    folds = walkForwardFolds(Math.max(0, equityLength - 1), sweep.walkForward.folds, sweep.walkForward.scheme);
    edges = segmentEdges(folds);
    buffer = new Float64Array(Math.max(0, equityLength - 1));
  };
  const summaries =
    remote ??
    prepared.map((cell, index) => {
      const equity = evaluate(cell);
      if (index === 0) plan(equity.length);
      return summarizeEquity(equity, edges, sweep.cscvBlocks, buffer);
    });
  const sharpes = summaries.map(cellSharpe);
  const best = sharpes.indexOf(Math.max(...sharpes));
  const bestCell = prepared[best];
  const bestEquity = bestCell ? evaluate(bestCell) : undefined;
  if (remote && bestEquity) plan(bestEquity.length);
  return {
    summaries,
    rows: foldMetrics(summaries, folds, sweep.walkForward.scheme),
    sharpes,
    bestReturns: bestEquity ? equityReturns(bestEquity) : undefined,
  };
}

function summarize(
  sweep: SweepConfig,
  sweepId: string,
  cells: CellParams[],
  summary: SweepSummary,
  inputs: RunInput[],
): SweepReport {
  const { sharpes, bestReturns: best } = summary;
  const choices = chooseByFold(summary.rows, cells);
  const bestCell = sharpes.indexOf(Math.max(...sharpes));
  const dsr = best
    ? deflatedSharpeRatio({ returns: best, trials: cells.length, trialSharpeVariance: moments(sharpes).sd ** 2 })
    : undefined;
  const pbo = probabilityOfOverfittingFromBlocks(
    summary.summaries.map((s) => s.blocks),
    sweep.cscvBlocks,
  );
  return {
    schemaVersion: 1,
    sweepId,
    name: sweep.name,
    cells: cells.length,
    observations: best?.length ?? 0,
    inputs,
    walkForward: { ...sweep.walkForward, choices, efficiency: walkForwardEfficiency(choices) },
    pbo: Number.isNaN(pbo.pbo) ? null : pbo.pbo,
    cscv: { blocks: sweep.cscvBlocks, splits: pbo.splits },
    best: best && dsr ? { cell: bestCell, params: cells[bestCell] ?? {}, sharpe: dsr.sharpe, runId: null } : null,
    deflatedSharpe: dsr ? { value: dsr.value, pValue: dsr.pValue, benchmark: dsr.benchmark } : null,
    cellSharpes: sharpes,
    cellParams: cells,
  };
}
