import type { z } from 'zod';
import { BuffError, parseOrThrow } from '@buff/core';
import type { StrategyDef } from './strategy.js';
import { smaCross } from './strategies/sma-cross.js';
import { rsiReversion } from './strategies/rsi-reversion.js';
import { donchianBreakout } from './strategies/donchian-breakout.js';
import { modelSignal } from './strategies/model-signal.js';

const registry = new Map<string, StrategyDef>([
  ['sma-cross', smaCross],
  ['rsi-reversion', rsiReversion],
  ['donchian-breakout', donchianBreakout],
  ['model-signal', modelSignal],
]);

/**
 * Registers a strategy pack under `name`; a second registration of a name throws
 * DUPLICATE_REGISTRATION unless `{ override: true }`.
 * @example registerStrategy('my-pack', { description, paramsSchema, inputNames: [], warmup: () => 1, decide });
 */
export function registerStrategy<P, S>(
  name: string,
  def: StrategyDef<P, S>,
  options: { override?: boolean } = {},
): void {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name)) {
    throw new BuffError('INVALID_INPUT', `strategy name "${name}" must be 1-64 of a-z 0-9 -`, {
      details: { key: 'name', value: name },
    });
  }
  if (registry.has(name) && !options.override) {
    throw new BuffError(
      'DUPLICATE_REGISTRATION',
      `strategy "${name}" is already registered (pass { override: true } to replace it)`,
      {
        details: { key: 'name', value: name, rule: 'DUPLICATE_REGISTRATION' },
      },
    );
  }
  registry.set(name, def as StrategyDef);
}

/**
 * The strategy registered under `name`; UNKNOWN_STRATEGY (naming key strategy.name) otherwise.
 * @example getStrategy('sma-cross').warmup({ fast: 10, slow: 30 }) // 30
 */
export function getStrategy(name: string): StrategyDef {
  const def = registry.get(name);
  if (!def) {
    throw new BuffError(
      'UNKNOWN_STRATEGY',
      `unknown strategy "${name}" (known: ${listStrategies()
        .map((s) => s.name)
        .join(' ')})`,
      {
        details: { key: 'strategy.name', value: name, rule: 'UNKNOWN_STRATEGY' },
      },
    );
  }
  return def;
}

/**
 * Every registered strategy, sorted by name.
 * @example listStrategies().map((s) => s.name) // ['donchian-breakout', 'rsi-reversion', 'sma-cross']
 */
export function listStrategies(): Array<{
  name: string;
  description: string;
  inputNames: readonly string[];
  paramsSchema: z.ZodType;
}> {
  return [...registry.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, def]) => ({
      name,
      description: def.description,
      inputNames: def.inputNames,
      paramsSchema: def.paramsSchema,
    }));
}

/**
 * Looks up a strategy and parses its params (defaults applied). Bad params are INVALID_CONFIG
 * naming the key as `strategy.params.<path>`.
 * @example const { def, params } = resolveStrategy({ name: 'sma-cross', params: { fast: 5 } });
 */
export function resolveStrategy(spec: { name: string; params: Record<string, unknown> }): {
  def: StrategyDef;
  params: Record<string, unknown>;
} {
  const def = getStrategy(spec.name);
  const params = parseOrThrow(def.paramsSchema, spec.params, 'INVALID_CONFIG', {
    what: `strategy ${spec.name}`,
    path: ['strategy', 'params'],
  });
  return { def, params: params as Record<string, unknown> };
}
