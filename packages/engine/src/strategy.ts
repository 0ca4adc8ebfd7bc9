import type { z } from 'zod';
import type { BarWindow } from './bar-window.js';

/** A position direction: short, flat or long. */
export type Direction = -1 | 0 | 1;

/** A model named by a run config, pinned: where its folder is and what it is. */
export interface ResolvedModel {
  name: string;
  version: number;
  /** The model card's content id. */
  modelId: string;
  dir: string;
}

/**
 * Looks a model up by name and alias (champion, candidate) or exact version; the CLI binds it to the
 * ModelRegistry. `changeStamp`, when given, is a cheap token that changes whenever the registry may
 * have changed (a promotion, a rollback): a dry run re-resolves its alias only when the token moved.
 */
export type ModelResolver = ((ref: { name: string; alias?: string; version?: number }) => Promise<ResolvedModel>) & {
  changeStamp?: (() => string | undefined | Promise<string | undefined>) | undefined;
};

/** What `prepare` may use: the run's symbols and timeframe, and a model resolver when one is configured. */
export interface StrategyEnv {
  symbols: readonly string[];
  timeframe: string;
  resolveModel?: ModelResolver;
}

/** What a strategy wants after seeing bar t: a target direction and a short, stable reason. */
export interface StrategyDecision {
  target: Direction;
  reason: string;
}

/** Per-call context: the position the run holds (after orders already placed), private state, indicator outputs. */
export interface StrategyContext<S> {
  position: Direction;
  state: S;
  /** One slot per `inputNames` entry; the strategy writes the indicator values it used (NaN when unknown). */
  inputs: Float64Array;
}

/**
 * A strategy pack. `decide` is called once per bar, in order, with a window that shows bars
 * [0..t] only; the order it implies fills at the next bar's open. Reasons should come from a
 * small fixed set (they are dictionary-encoded in decisions.arrow).
 */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds packs of every param and state type
export interface StrategyDef<P = any, S = any> {
  description: string;
  /** Strict zod object with defaults for every param. */
  paramsSchema: z.ZodType<P>;
  /** Names of the indicator values a decision records (columns `input.<name>` in decisions.arrow). */
  inputNames: readonly string[];
  /** Bars needed before the first non-warmup decision. */
  warmup(params: P): number;
  /** Fresh private state for one symbol. */
  init?(params: P, symbol: string): S;
  /**
   * Optional, before a run: pins what the params only name (e.g. a model alias to its version and
   * id, through `env`) and loads it. The returned params are the ones the run id hashes.
   */
  prepare?(params: P, env: StrategyEnv): Promise<P>;
  decide(window: BarWindow, params: P, context: StrategyContext<S>): StrategyDecision;
}

/** Reason of every decision a strategy makes before it has enough bars. */
export const WARMUP: StrategyDecision = Object.freeze({ target: 0, reason: 'warmup' });
