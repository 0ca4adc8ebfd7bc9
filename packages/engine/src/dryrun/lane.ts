import { allocateBars, type Bars } from '@buff/core';
import { prepareRun, simulationInputOf, type PreparedRun } from '../prepare-run.js';
import type { RunConfigInput } from '../run-config.js';
import { GUARDRAIL_CODES } from '../run-columns.js';
import { Simulation } from '../simulation.js';
import type { ModelSignalState } from '../strategies/model-signal.js';
import type { ModelResolver } from '../strategy.js';
import type { FeedBar } from './feed-bar-check.js';
import type { SignalRecord } from './journal-entry.js';
import { ModelWatch } from './model-watch.js';
import { RateLimit, signalAt } from './signals.js';

/** A model reference as a config gives it: by alias (followed as it moves) or exact version. */
export interface ModelRefInput {
  name: string;
  alias?: 'champion' | 'candidate' | undefined;
  version?: number | undefined;
}

/** One symbol of a session: its own simulation (the backtest of that symbol), model and rate limit. */
export interface Lane {
  symbol: string;
  /** The lane's run config as given (its model by alias, so that a promotion is picked up). */
  config: RunConfigInput;
  prepared: PreparedRun;
  buffer: Bars;
  used: number;
  lastTs: number;
  simulation: Simulation;
  watch: ModelWatch;
  rate: RateLimit;
  /** The guardrail rule blocking this lane's entries after its last used bar, if any (logged when it changes). */
  blocking?: string | undefined;
}

/**
 * The run config of one symbol of a session: the session's config with `symbols: [symbol]`, its own
 * model when `model` is given, and no per-symbol allocation. `buff run build` of this config is the
 * backtest a replay of that lane equals byte for byte.
 * @example const btc = laneConfig(config, 'BTC-USDT', { name: 'lstm-btc' });
 */
export function laneConfig(config: RunConfigInput, symbol: string, model?: ModelRefInput): RunConfigInput {
  const strategy = config.strategy as { name: string; params?: Record<string, unknown> };
  const params = model ? { ...strategy.params, model } : strategy.params;
  const capital = config.capital ? { ...config.capital, allocation: undefined } : undefined;
  const data = config.data?.datasets
    ? { ...config.data, datasets: pick(config.data.datasets as Record<string, string>, symbol) }
    : config.data;
  return {
    ...config,
    symbols: [symbol],
    strategy: { ...strategy, params },
    ...(capital ? { capital: dropUndefined(capital) } : {}),
    ...(data ? { data } : {}),
  } as RunConfigInput;
}

/** Prepares a lane's run (the model alias resolved now) over an empty buffer of `capacity` bars. */
export async function openLane(
  config: RunConfigInput,
  original: RunConfigInput,
  capacity: number,
  resolveModel: ModelResolver,
): Promise<Lane> {
  const prepared = await prepareRun(config, { resolveModel });
  const buffer = allocateBars(capacity);
  const simulation = new Simulation(simulationInputOf(prepared, [buffer]));
  return {
    symbol: prepared.config.symbols[0] as string,
    config: original,
    prepared,
    buffer,
    used: 0,
    lastTs: Number.NaN,
    simulation,
    watch: new ModelWatch(original, prepared, resolveModel),
    rate: new RateLimit(),
  };
}

/** Puts a checked bar into the lane's buffer and steps its simulation; the signal and guardrail block, if any. */
export function useBar(lane: Lane, bar: FeedBar): { signal?: SignalRecord; guardrail?: string } {
  const n = lane.used;
  const { buffer } = lane;
  buffer.ts[n] = bar.ts;
  buffer.open[n] = bar.open;
  buffer.high[n] = bar.high;
  buffer.low[n] = bar.low;
  buffer.close[n] = bar.close;
  buffer.volume[n] = bar.volume;
  lane.simulation.step(n);
  lane.used = n + 1;
  lane.lastTs = bar.ts;
  const row = lane.simulation.rows - 1;
  const signal = signalAt(lane.simulation, row, lane.watch.active);
  const code = GUARDRAIL_CODES[lane.simulation.decisions.guardrail[row] as number] ?? '';
  const guardrail = code === '' || code === 'max_position' ? undefined : code;
  return { ...(signal ? { signal } : {}), ...(guardrail ? { guardrail } : {}) };
}

/**
 * What computes the lane's model outputs now: `js-forward` (the plain-JavaScript float64 LSTM
 * forward pass of @buff/ml/inference, no TensorFlow.js) or `tfjs-<backend>` (transformers).
 * @example laneBackend(lane) // 'js-forward'
 */
export function laneBackend(lane: Lane): string {
  const engine = (lane.simulation.strategyState(0) as ModelSignalState).active.model.engine;
  return engine === 'js' ? 'js-forward' : `tfjs-${engine}`;
}

function pick(record: Record<string, string>, key: string): Record<string, string> {
  return record[key] === undefined ? {} : { [key]: record[key] as string };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
