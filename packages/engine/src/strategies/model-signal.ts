import { z } from 'zod';
import { allocateBars, BuffError, type Bars } from '@buff/core';
import { loadInferenceModel, type InferenceModel } from '@buff/ml/inference';
import type { BarWindow } from '../bar-window.js';
import { WARMUP, type Direction, type StrategyDecision, type StrategyDef, type StrategyEnv } from '../strategy.js';

const Probability = z.number().min(0).max(1);

const ModelRefSchema = z
  .object({
    name: z.string().min(1),
    /** Read the version this alias points to (champion unless a version is given). */
    alias: z.enum(['champion', 'candidate']).optional(),
    /** An exact version: read instead of the alias (a built run records both, pinned). */
    version: z.number().int().positive().optional(),
    /** The model card's content id; filled in when the run is built, checked when given. */
    id: z
      .string()
      .regex(/^[0-9a-f]{16}$/)
      .optional(),
  })
  .strict();

const ModelSignalParamsSchema = z
  .object({
    model: ModelRefSchema.describe('the registered model: { name, alias: champion|candidate } or { name, version }'),
    /** Long when the calibrated P(up) is at least this. */
    longAbove: Probability.default(0.55).describe('long when the calibrated P(up) is at least this'),
    /** Short (flat unless the run allows shorts) when P(up) is at most this. */
    shortBelow: Probability.default(0.45).describe('short (flat unless shorts are allowed) when P(up) is at most this'),
    /** Confidence (|2p - 1|) thresholds of the tiers: high at or above `high`, medium at or above `medium`. */
    tiers: z
      .object({ high: Probability.default(0.3), medium: Probability.default(0.1) })
      .strict()
      .default({ high: 0.3, medium: 0.1 })
      .describe('confidence |2p - 1| thresholds of the high and medium tiers'),
    /** Bars of history the features are computed on at each bar (at least the model's warmup + window). */
    lookback: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(256)
      .describe('bars of history the features are computed on'),
  })
  .strict()
  .refine((p) => p.shortBelow < p.longAbove, { message: 'shortBelow must be below longAbove', path: ['shortBelow'] })
  .refine((p) => p.tiers.medium <= p.tiers.high, {
    message: 'tiers.medium must not exceed tiers.high',
    path: ['tiers'],
  });
export type ModelSignalParams = z.infer<typeof ModelSignalParamsSchema>;

/** Tier names by code (the `tier` input column holds the code). */
export const TIERS = ['low', 'medium', 'high'] as const;
export type Tier = (typeof TIERS)[number];

/** The model a symbol's decisions come from; the dry run swaps it when an alias moves. */
export interface ActiveModel {
  model: InferenceModel;
  name: string;
  version: number;
  modelId: string;
}

/** Per-symbol state: the active model, the bars its features are computed on, the reasons made so far. */
export interface ModelSignalState {
  active: ActiveModel;
  symbol: string;
  history: Bars;
  reasons: Map<string, StrategyDecision>;
}

/** Models loaded by `prepare`, by model id (a run reads each once). */
const loaded = new Map<string, InferenceModel>();

/**
 * Loads (once per process) the model at `dir` and keeps it for runs that pin its id.
 * @example const model = await loadModelForSignals('models/lstm-btc/v3');
 */
export async function loadModelForSignals(dir: string): Promise<InferenceModel> {
  const model = await loadInferenceModel(dir);
  const known = loaded.get(model.modelId);
  if (known) return known;
  loaded.set(model.modelId, model);
  return model;
}

/**
 * Points a symbol's model-signal state at another model version (its decisions say which from the next bar on).
 * @example switchModel(simulation.strategyState(0) as ModelSignalState, { model, name, version: 4, modelId });
 */
export function switchModel(state: ModelSignalState, active: ActiveModel): void {
  state.active = active;
  state.reasons.clear();
}

async function prepare(params: ModelSignalParams, env: StrategyEnv): Promise<ModelSignalParams> {
  if (env.resolveModel === undefined) {
    throw new BuffError('INVALID_CONFIG', 'strategy model-signal needs the model registry (MODELS_ROOT)', {
      details: { key: 'strategy.params.model', rule: 'MODEL_REGISTRY' },
    });
  }
  const ref = params.model;
  const resolved = await env.resolveModel({
    name: ref.name,
    ...(ref.version === undefined ? { alias: ref.alias ?? 'champion' } : { version: ref.version }),
  });
  if (ref.id !== undefined && ref.id !== resolved.modelId) {
    throw new BuffError(
      'INVALID_CONFIG',
      `strategy.params.model.id is ${ref.id}, but ${ref.name} v${resolved.version} is model ${resolved.modelId}`,
      { details: { key: 'strategy.params.model.id', value: ref.id, rule: 'MODEL_ID' } },
    );
  }
  const model = await loadModelForSignals(resolved.dir);
  if (model.modelId !== resolved.modelId) {
    throw new BuffError(
      'CORRUPT_ARTIFACT',
      `${resolved.dir} holds model ${model.modelId}, the registry says ${resolved.modelId}`,
      {
        details: { file: resolved.dir, key: 'modelId', rule: 'MODEL_ID' },
      },
    );
  }
  if (model.card.timeframe !== env.timeframe) {
    throw new BuffError(
      'INVALID_CONFIG',
      `model ${ref.name} v${resolved.version} was trained on ${model.card.timeframe} bars, the run is ${env.timeframe}`,
      { details: { key: 'timeframe', value: env.timeframe, rule: 'MODEL_TIMEFRAME' } },
    );
  }
  const alias = ref.version === undefined ? { alias: ref.alias ?? 'champion' } : {};
  return { ...params, model: { name: ref.name, ...alias, version: resolved.version, id: resolved.modelId } };
}

function init(params: ModelSignalParams, symbol: string): ModelSignalState {
  const { id, version, name } = params.model;
  const model = id === undefined ? undefined : loaded.get(id);
  if (model === undefined || version === undefined) {
    throw new BuffError(
      'INVALID_CONFIG',
      `strategy model-signal: model ${name} is not loaded (run it through buildRun or the dry run)`,
      {
        details: { key: 'strategy.params.model', rule: 'MODEL_NOT_PREPARED' },
      },
    );
  }
  return {
    active: { model, name, version, modelId: model.modelId },
    symbol,
    history: allocateBars(Math.max(params.lookback, model.minBars)),
    reasons: new Map(),
  };
}

/** The last min(capacity, t + 1) bars of the window, copied into the state's buffer (a view of it). */
function recentBars(window: BarWindow, history: Bars): Bars {
  const count = Math.min(history.ts.length, window.length);
  const first = window.t - count + 1;
  for (let j = 0; j < count; j++) {
    const i = first + j;
    history.ts[j] = window.ts(i);
    history.open[j] = window.open(i);
    history.high[j] = window.high(i);
    history.low[j] = window.low(i);
    history.close[j] = window.close(i);
    history.volume[j] = window.volume(i);
  }
  if (count === history.ts.length) return history;
  return {
    ts: history.ts.subarray(0, count),
    open: history.open.subarray(0, count),
    high: history.high.subarray(0, count),
    low: history.low.subarray(0, count),
    close: history.close.subarray(0, count),
    volume: history.volume.subarray(0, count),
  };
}

function decisionFor(state: ModelSignalState, target: Direction, tier: number): StrategyDecision {
  const { name, version, modelId } = state.active;
  const key = `${target} ${tier}`;
  let decision = state.reasons.get(key);
  if (decision === undefined) {
    const side = target === 1 ? 'long' : target === -1 ? 'short' : 'flat';
    decision = Object.freeze({
      target,
      reason: `model ${name} v${version} (${modelId}): ${side}, tier ${TIERS[tier]}`,
    });
    state.reasons.set(key, decision);
  }
  return decision;
}

/**
 * Signals from a trained model: at each bar the features of the last `lookback` bars (causal),
 * the model's calibrated P(up), a target (long at or above `longAbove`, short at or below
 * `shortBelow`, flat between) and a tier from the confidence |2p - 1|. Each decision records the
 * probability, confidence, tier code (0 low, 1 medium, 2 high) and model version as inputs, and
 * the model name, version and id in its reason. The model comes from the ModelRegistry by alias
 * (champion by default) or exact version, pinned to its id when the run is built.
 * @example strategy: { name: model-signal, params: { model: { name: lstm-btc } } }
 */
export const modelSignal: StrategyDef<ModelSignalParams, ModelSignalState> = {
  description:
    'Signals from a registered model: calibrated P(up) on causal features, long/short/flat by thresholds, with confidence and tier.',
  paramsSchema: ModelSignalParamsSchema,
  inputNames: ['probability', 'confidence', 'tier', 'modelVersion'],
  warmup: (params) => {
    const model = params.model.id === undefined ? undefined : loaded.get(params.model.id);
    return model?.minBars ?? 0;
  },
  prepare,
  init,
  decide(window, params, { inputs, state }) {
    const { model, version } = state.active;
    if (window.length < model.minBars) return WARMUP;
    const p = model.probability(recentBars(window, state.history), state.symbol);
    const confidence = Math.abs(2 * p - 1);
    const tier = confidence >= params.tiers.high ? 2 : confidence >= params.tiers.medium ? 1 : 0;
    const target: Direction = p >= params.longAbove ? 1 : p <= params.shortBelow ? -1 : 0;
    inputs[0] = p;
    inputs[1] = confidence;
    inputs[2] = tier;
    inputs[3] = version;
    return decisionFor(state, target, tier);
  },
};
