import { ACTIONS } from '../run-columns.js';
import type { Simulation } from '../simulation.js';
import { TIERS } from '../strategies/model-signal.js';
import type { SignalRecord } from './journal-entry.js';
import type { ActiveModelRef } from './model-watch.js';

/** Actions that change the simulated position: each is a signal. */
const SIGNAL_ACTIONS = new Set(['enter_long', 'enter_short', 'exit', 'reverse_to_long', 'reverse_to_short', 'flatten']);

/**
 * The signal of decision `row`, when its action changes the position (undefined for holds and blocks).
 * @example const signal = signalAt(simulation, simulation.rows - 1, watch.active);
 */
export function signalAt(simulation: Simulation, row: number, model: ActiveModelRef): SignalRecord | undefined {
  const d = simulation.decisions;
  const action = ACTIONS[d.action[row] as number] as string;
  if (!SIGNAL_ACTIONS.has(action)) return undefined;
  const input = (name: string): number => {
    const at = d.inputNames.indexOf(name);
    return at < 0 ? Number.NaN : ((d.inputs[at] as Float64Array)[row] as number);
  };
  const tier = input('tier');
  return {
    ts: new Date(d.ts[row] as number).toISOString(),
    symbol: d.symbols[d.symbol[row] as number] as string,
    direction: d.position[row] as number,
    action,
    probability: input('probability'),
    confidence: input('confidence'),
    tier: Number.isFinite(tier) ? (TIERS[tier] as string) : 'low',
    model: model.name,
    version: model.version,
    modelId: model.id,
    reason: d.reasons[d.reason[row] as number] as string,
  };
}

/**
 * Signals per minute of bar time, per symbol (one per lane). A rate under one a minute is measured
 * over as many minutes as one signal takes (0.1: at most one in any 10 minutes), so that it can bite
 * on 1m bars, which bring at most one signal a minute.
 */
export class RateLimit {
  private readonly recent: number[] = [];

  /** Records a signal at bar time `ts` when fewer than `perMinute` (per window) were emitted in the window before it. */
  allow(ts: number, perMinute: number): boolean {
    if (!(perMinute > 0)) return false;
    const windowMs = perMinute >= 1 ? 60_000 : 60_000 / perMinute;
    while (this.recent.length > 0 && (this.recent[0] as number) <= ts - windowMs) this.recent.shift();
    if (this.recent.length >= Math.max(1, perMinute)) return false;
    this.recent.push(ts);
    return true;
  }
}

/**
 * What a journal line of a signal over the limit holds: the flag and the reason, in the words of
 * `--rate-limit` (a rate under one a minute as one signal per its window).
 * @example rateLimited(0.1).suppressed // 'rate-limit: 1 signal per 10 minutes per symbol'
 */
export function rateLimited(perMinute: number): { rateLimited: true; suppressed: string } {
  const rate =
    perMinute >= 1
      ? `${perMinute} signal${perMinute === 1 ? '' : 's'} per minute`
      : perMinute > 0
        ? `1 signal per ${Number((1 / perMinute).toPrecision(6))} minutes`
        : '0 signals (limit 0)';
  return { rateLimited: true, suppressed: `rate-limit: ${rate} per symbol` };
}
