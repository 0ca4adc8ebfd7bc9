import { Simulation } from './simulation.js';
import type { SimulationInput, SimulationResult } from './simulation-types.js';

/**
 * Runs a strategy over one or more symbols bar by bar. At each bar the strategy sees bars [0..t]
 * only (a {@link BarWindow}); the order it implies fills at that symbol's next bar open with
 * slippage and fees. Equity is marked to the closes on the union timeline and guardrails are
 * checked there. Positions still open at a symbol's last bar are closed at its last close.
 * @example const result = simulate({ symbols: ['BTC-USD'], bars: [bars], weights: [1], strategy, params, ... });
 */
export function simulate(input: SimulationInput): SimulationResult {
  const simulation = new Simulation(input);
  const steps = simulation.timeline.length;
  for (let step = 0; step < steps; step++) simulation.step(step);
  return simulation.finish();
}
