import { contentId, type RunInput } from '@buff/core';
import type { RunConfig } from './run-config.js';

/**
 * `run-` + the first 16 hex of sha256 over the canonical JSON of the normalized config, each
 * input's content id (with symbol, timeframe and source) and the engine version.
 * @example computeRunId(config, inputs, '0.1.0') // 'run-3f2a...'
 */
export function computeRunId(config: RunConfig, inputs: readonly RunInput[], engineVersion: string): string {
  const ids = inputs.map((input) => ({
    symbol: input.symbol,
    timeframe: input.timeframe,
    contentId: input.contentId,
    source: input.source,
  }));
  return `run-${contentId({ config, inputs: ids, engineVersion }).slice(0, 16)}`;
}
