import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuffError, RunManifestSchema, type RunManifest } from '@buff/core';
import { ipcToColumns, type ColumnValues } from './arrow-columns.js';
import { ARTIFACT_FILES } from './run-artifacts.js';
import { RunMetricsSchema, type RunMetrics } from './metrics.js';

/** A table as JSON-able columns: numbers (NaN -> null), timestamps as epoch ms, dictionary columns as strings. */
export type JsonColumns = Record<string, Array<number | string | null>>;

/** What the UI needs to chart a run without reading the dataset store. */
export interface RunArtifactsView {
  manifest: RunManifest;
  metrics: RunMetrics;
  /**
   * One row per bar and symbol: ts, symbol, action, reason, guardrail, position, close (the bar's
   * close, so price can be plotted with the decisions marked), `input.<name>` indicator values.
   */
  decisions: JsonColumns;
  trades: JsonColumns;
  equity: JsonColumns;
  /** One row per local day: balance at midnight and the guardrail floors (daily, total). */
  days: JsonColumns;
  /** Rows in decisions.arrow before the symbol filter and `maxDecisionRows` thinned them. */
  decisionRows: number;
}

export interface ReadRunArtifactsOptions {
  /** Keep only this symbol's decisions. */
  symbol?: string;
  /** Thin decisions to about this many rows, evenly, always keeping every event (any action but `hold` and `stopped`). */
  maxDecisionRows?: number;
  /** Thin equity to about this many rows, evenly (the last row is always kept). */
  maxEquityRows?: number;
}

/**
 * Reads a run's manifest, metrics, decisions, trades and equity as JSON-able columns (for the
 * server's API and charts). Does not verify hashes: use validateRun for that.
 * @example const view = await readRunArtifacts('runs/run-0123456789abcdef', { symbol: 'BTC-USD', maxDecisionRows: 5000, maxEquityRows: 5000 });
 */
export async function readRunArtifacts(
  runDir: string,
  options: ReadRunArtifactsOptions = {},
): Promise<RunArtifactsView> {
  const readText = async (file: string) =>
    readFile(join(runDir, file), 'utf8').catch((err: unknown) => {
      throw new BuffError('RUN_NOT_FOUND', `cannot read ${file} of ${runDir}`, {
        cause: err,
        details: { file: join(runDir, file) },
      });
    });
  const manifest = RunManifestSchema.parse(JSON.parse(await readText('manifest.json')));
  const metrics = RunMetricsSchema.parse(JSON.parse(await readText(ARTIFACT_FILES.metrics)));
  const load = async (file: string) => ipcToColumns(await readFile(join(runDir, file)));
  const decisions = await load(ARTIFACT_FILES.decisions);
  const keep = selectRows(decisions.numRows, decisions.columns, options);
  const equity = await load(ARTIFACT_FILES.equity);
  return {
    manifest,
    metrics,
    decisions: toJson(decisions.columns, keep),
    trades: toJson((await load(ARTIFACT_FILES.trades)).columns),
    equity: toJson(equity.columns, everyNth(equity.numRows, options.maxEquityRows)),
    days: toJson((await load(ARTIFACT_FILES.days)).columns),
    decisionRows: decisions.numRows,
  };
}

function selectRows(
  numRows: number,
  columns: Map<string, ColumnValues>,
  options: ReadRunArtifactsOptions,
): Int32Array | undefined {
  if (options.symbol === undefined && options.maxDecisionRows === undefined) return undefined;
  const symbol = columns.get('symbol');
  const action = columns.get('action');
  if (symbol?.kind !== 'dictionary' || action?.kind !== 'dictionary') return undefined;
  const symbolCode = options.symbol === undefined ? -1 : symbol.dictionary.indexOf(options.symbol);
  const hold = action.dictionary.indexOf('hold');
  const stopped = action.dictionary.indexOf('stopped');
  let candidates = 0;
  for (let i = 0; i < numRows; i++) if (symbolCode < 0 || symbol.codes[i] === symbolCode) candidates++;
  if (options.symbol !== undefined && symbolCode < 0) candidates = 0;
  const stride = options.maxDecisionRows ? Math.max(1, Math.ceil(candidates / options.maxDecisionRows)) : 1;
  const rows: number[] = [];
  let seen = 0;
  for (let i = 0; i < numRows && candidates > 0; i++) {
    if (symbolCode >= 0 && symbol.codes[i] !== symbolCode) continue;
    const code = action.codes[i];
    if (seen++ % stride === 0 || (code !== hold && code !== stopped)) rows.push(i);
  }
  return Int32Array.from(rows);
}

function everyNth(numRows: number, max: number | undefined): Int32Array | undefined {
  if (max === undefined || numRows <= max) return undefined;
  const stride = Math.ceil(numRows / Math.max(1, max));
  const rows: number[] = [];
  for (let i = 0; i < numRows; i += stride) rows.push(i);
  if (rows[rows.length - 1] !== numRows - 1) rows.push(numRows - 1);
  return Int32Array.from(rows);
}

function toJson(columns: Map<string, ColumnValues>, rows?: Int32Array): JsonColumns {
  const out: JsonColumns = {};
  for (const [name, column] of columns) {
    const length = column.kind === 'dictionary' ? column.codes.length : column.values.length;
    const n = rows ? rows.length : length;
    const values = new Array<number | string | null>(n);
    for (let j = 0; j < n; j++) {
      const i = rows ? (rows[j] as number) : j;
      if (column.kind === 'dictionary') values[j] = column.dictionary[column.codes[i] as number] ?? null;
      else {
        const v = column.values[i] as number;
        values[j] = Number.isFinite(v) ? v : null;
      }
    }
    out[name] = values;
  }
  return out;
}
