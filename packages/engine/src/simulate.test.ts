import { describe, expect, it } from 'vitest';
import { isBuffError } from '@buff/core';
import { simulate } from './simulate.js';
import { Simulation } from './simulation.js';
import { smaCross } from './strategies/sma-cross.js';
import { ACTIONS } from './run-columns.js';
import { makeBars, simulationInput, HOUR } from './test-support/bars.js';
import type { StrategyDef } from './strategy.js';

const actionsOf = (r: ReturnType<typeof simulate>) => Array.from(r.decisions.action, (a) => ACTIONS[a]);

describe('simulate with sma-cross (known answers computed by hand)', () => {
  // closes and opens chosen so that fills at the NEXT bar's open are visible
  const closes = [10, 10, 10, 11, 12, 13, 12, 11, 10, 10];
  const opens = [10, 10, 10, 10.5, 11.5, 12.5, 12.8, 11.5, 10.5, 10];
  const bars = makeBars(opens, closes);
  const result = simulate(
    simulationInput({ bars: [bars], strategy: smaCross, params: { fast: 2, slow: 3 }, feeBps: 10 }),
  );

  it('decides per bar from SMA(2) vs SMA(3) of close', () => {
    // t=2: 10 vs 10 equal; t=3: 10.5 > 10.333 enter; t=4..6 above; t=7: 11.5 < 12 exit; t=8,9 below
    expect(actionsOf(result)).toEqual([
      'hold',
      'hold',
      'hold',
      'enter_long',
      'hold',
      'hold',
      'hold',
      'exit',
      'hold',
      'hold',
    ]);
    const reasons = Array.from(result.decisions.reason, (r) => result.decisions.reasons[r]);
    expect(reasons.slice(0, 4)).toEqual(['warmup', 'warmup', 'fast SMA equals slow SMA', 'fast SMA above slow SMA']);
    expect(result.decisions.inputs[0]?.[3]).toBeCloseTo(10.5, 12);
    expect(result.decisions.inputs[1]?.[3]).toBeCloseTo(31 / 3, 12);
    expect(Number.isNaN(result.decisions.inputs[0]?.[1] as number)).toBe(true);
    expect(Array.from(result.decisions.position)).toEqual([0, 0, 0, 1, 1, 1, 1, 0, 0, 0]);
  });

  it('fills at the next open with fees and ends with the hand-computed equity', () => {
    const qty = 10_000 / 11.5; // notional = equity at t=3 close (10 000), filled at t=4 open 11.5
    const entryFee = 10_000 * 0.001;
    const exitFee = qty * 10.5 * 0.001; // exit decided at t=7, filled at t=8 open 10.5
    const pnl = qty * (10.5 - 11.5) - entryFee - exitFee;
    expect(result.trades.length).toBe(1);
    expect(result.trades.entryDecisionTs[0]).toBe(bars.ts[3]);
    expect(result.trades.entryTs[0]).toBe(bars.ts[4]);
    expect(result.trades.entryPrice[0]).toBe(11.5);
    expect(result.trades.exitDecisionTs[0]).toBe(bars.ts[7]);
    expect(result.trades.exitTs[0]).toBe(bars.ts[8]);
    expect(result.trades.exitPrice[0]).toBe(10.5);
    expect(result.trades.quantity[0]).toBeCloseTo(qty, 9);
    expect(result.trades.pnl[0]).toBeCloseTo(pnl, 9);
    expect(result.equity.equity[4]).toBeCloseTo(10_000 - entryFee + qty * (12 - 11.5), 9);
    expect(result.equity.equity[9]).toBeCloseTo(10_000 + pnl, 9);
    expect(result.equity.equity[9]).toBeCloseTo(9111.3043478, 6);
  });

  it('applies slippage against the trader on both fills', () => {
    const slipped = simulate(
      simulationInput({ bars: [bars], strategy: smaCross, params: { fast: 2, slow: 3 }, slippageBps: 100 }),
    );
    expect(slipped.trades.entryPrice[0]).toBeCloseTo(11.5 * 1.01, 12);
    expect(slipped.trades.exitPrice[0]).toBeCloseTo(10.5 * 0.99, 12);
  });

  it('goes short below when shorts are allowed, and closes what is open at the last close', () => {
    const short = simulate(
      simulationInput({ bars: [bars], strategy: smaCross, params: { fast: 2, slow: 3 }, allowShort: true }),
    );
    expect(actionsOf(short)).toEqual([
      'hold',
      'hold',
      'hold',
      'enter_long',
      'hold',
      'hold',
      'hold',
      'reverse_to_short',
      'hold',
      'exit',
    ]);
    expect(short.trades.length).toBe(2);
    expect(short.trades.side[1]).toBe(-1);
    expect(short.trades.exitTs[1]).toBe(bars.ts[9]);
    expect(short.trades.exitPrice[1]).toBe(10);
    const total = Array.from(short.trades.pnl).reduce((a, b) => a + b, 0);
    expect(short.equity.equity[9]).toBeCloseTo(10_000 + total, 9);
  });
});

describe('no look-ahead by construction', () => {
  const closes = Array.from({ length: 20 }, (_, i) => 100 + Math.sin(i) * 5);
  const bars = makeBars(closes, closes);

  it('a strategy that reads bar t+1 is refused with LOOK_AHEAD', () => {
    const peeker: StrategyDef = {
      description: 'cheats',
      paramsSchema: smaCross.paramsSchema,
      inputNames: [],
      warmup: () => 1,
      decide: (window) => ({ target: window.close(window.t + 1) > window.close(window.t) ? 1 : 0, reason: 'peek' }),
    };
    let caught: unknown;
    try {
      simulate(simulationInput({ bars: [bars], strategy: peeker }));
    } catch (err) {
      caught = err;
    }
    expect(isBuffError(caught, 'LOOK_AHEAD')).toBe(true);
  });

  it('the window exposes no arrays to reach around the accessors, and no way to move itself', () => {
    let seen: string[] = [];
    const inspector: StrategyDef = {
      description: 'inspects',
      paramsSchema: smaCross.paramsSchema,
      inputNames: [],
      warmup: () => 1,
      decide: (window) => {
        const own = Object.getOwnPropertyNames(window);
        const proto = Object.getPrototypeOf(window) as object;
        const ctor = (proto as { constructor: object }).constructor;
        seen = [...own, ...Object.getOwnPropertyNames(proto).filter((name) => name !== 'constructor')];
        for (const key of seen)
          expect(ArrayBuffer.isView((window as unknown as Record<string, unknown>)[key])).toBe(false);
        expect(own).toEqual([]); // columns and the visible end are private class fields
        expect(
          Object.getOwnPropertyNames(ctor).filter((name) => !['length', 'name', 'prototype'].includes(name)),
        ).toEqual([]);
        expect(Object.isFrozen(window)).toBe(true);
        return { target: 0, reason: 'look' };
      },
    };
    simulate(simulationInput({ bars: [bars], strategy: inspector }));
    expect(seen.sort()).toEqual(['close', 'high', 'length', 'low', 'open', 't', 'ts', 'volume']);
  });

  it('decisions up to bar t do not change when bars after t change', () => {
    const future = makeBars(
      closes,
      closes.map((c, i) => (i > 12 ? c * 3 : c)),
    );
    const a = simulate(simulationInput({ bars: [bars], strategy: smaCross, params: { fast: 2, slow: 5 } }));
    const b = simulate(simulationInput({ bars: [future], strategy: smaCross, params: { fast: 2, slow: 5 } }));
    expect(Array.from(a.decisions.action.subarray(0, 13))).toEqual(Array.from(b.decisions.action.subarray(0, 13)));
    expect(Array.from(a.decisions.inputs[1]!.subarray(0, 13))).toEqual(
      Array.from(b.decisions.inputs[1]!.subarray(0, 13)),
    );
    expect(a.equity.equity.subarray(0, 13)).toEqual(b.equity.equity.subarray(0, 13));
  });
});

describe('several symbols', () => {
  it('splits capital by weight and marks equity on the union timeline', () => {
    const a = makeBars([10, 10, 10, 10], [10, 10, 12, 12]);
    const b = makeBars([20, 20, 20], [20, 20, 20], Date.parse('2024-01-01T01:00:00Z'));
    const always: StrategyDef = {
      description: 'long',
      paramsSchema: smaCross.paramsSchema,
      inputNames: [],
      warmup: () => 1,
      decide: () => ({ target: 1, reason: 'always' }),
    };
    const result = simulate(simulationInput({ bars: [a, b], strategy: always, weights: [0.25, 0.75] }));
    expect(result.equity.length).toBe(4);
    expect(result.decisions.length).toBe(7);
    // A enters 2 500 at t=1 open 10 (250 units), B enters 7 500 at its t=1 (02:00) open 20
    expect(result.equity.equity[2]).toBeCloseTo(10_000 + 250 * 2, 9);
    expect(result.trades.length).toBe(2);
    expect(Array.from(result.trades.quantity)).toEqual([250, 375]);
    void HOUR;
  });
});

describe('the stepping form (Simulation)', () => {
  const closes = [10, 10, 10, 11, 12, 13, 12, 11, 10, 10];
  const opens = [10, 10, 10, 10.5, 11.5, 12.5, 12.8, 11.5, 10.5, 10];
  const input = () =>
    simulationInput({ bars: [makeBars(opens, closes)], strategy: smaCross, params: { fast: 2, slow: 3 }, feeBps: 10 });

  it('stepped by hand gives what simulate() gives', () => {
    const simulation = new Simulation(input());
    for (let step = 0; step < simulation.timeline.length; step++) simulation.step(step);
    expect(simulation.finish()).toEqual(simulate(input()));
  });

  it('finish() after some steps hands out the rows and steps done so far', () => {
    const simulation = new Simulation(input());
    for (let step = 0; step < 5; step++) simulation.step(step);
    const partial = simulation.finish();
    expect(partial.decisions.length).toBe(5);
    expect(partial.decisions.action.length).toBe(5);
    expect(partial.equity.length).toBe(5);
    expect(Array.from(partial.decisions.action)).toEqual(Array.from(simulate(input()).decisions.action.subarray(0, 5)));
  });
});
