import type { Bars } from '@buff/core';
import { allocationWeights, parseRunConfigWithTags, type RunConfig, type RunConfigInput } from './run-config.js';
import type { SimulationInput } from './simulation-types.js';
import { resolveStrategy } from './strategy-registry.js';
import type { ModelResolver, StrategyDef } from './strategy.js';

/** A run config normalized for building: defaults filled, strategy params parsed and pinned. */
export interface PreparedRun {
  /** The config the run id hashes (its strategy params are the pinned ones). */
  config: RunConfig;
  def: StrategyDef;
  params: Record<string, unknown>;
  /** The config's `tags:` (registry metadata, not hashed): the caller sets them on the built run. */
  tags: string[];
}

/**
 * Parses a run config, resolves its strategy and lets the strategy pin what its params only name
 * (`prepare`: a model alias becomes a version and model id), so that the run id depends on it.
 * The backtest and the dry run both start here.
 * @example const { config, def, params } = await prepareRun(parseRunConfig(text), { resolveModel });
 */
export async function prepareRun(
  /** A parsed config, its input object, or its YAML/JSON text (`source` names it in errors). */
  configInput: RunConfig | RunConfigInput | string,
  options: { resolveModel?: ModelResolver | undefined; source?: string } = {},
): Promise<PreparedRun> {
  const { config: parsed, tags } = parseRunConfigWithTags(configInput, options.source);
  const { def, params: parsedParams } = resolveStrategy(parsed.strategy);
  const env = {
    symbols: parsed.symbols,
    timeframe: parsed.timeframe,
    ...(options.resolveModel ? { resolveModel: options.resolveModel } : {}),
  };
  const params = def.prepare ? await def.prepare(parsedParams, env) : parsedParams;
  const config: RunConfig = { ...parsed, strategy: { name: parsed.strategy.name, params } };
  return { config, def, params, tags };
}

/**
 * The simulator's input for a prepared run over `bars` (one Bars per config symbol): the backtest
 * and the dry run build it here, so they simulate with the same settings.
 * @example const result = simulate(simulationInputOf(prepared, bars));
 */
export function simulationInputOf(prepared: PreparedRun, bars: Bars[]): SimulationInput {
  const { config, def, params } = prepared;
  return {
    symbols: config.symbols,
    bars,
    weights: allocationWeights(config),
    strategy: def,
    params,
    initialCapital: config.capital.initial,
    feeBps: config.fees.feeBps,
    slippageBps: config.fees.slippageBps,
    sizingFraction: config.sizing.fraction,
    allowShort: config.allowShort,
    guardrails: config.guardrails,
  };
}
