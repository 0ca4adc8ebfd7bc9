import { BuffError, type Bars } from '@buff/core';

/**
 * What a strategy sees at bar t: bars [0..t] of one symbol, read through accessors that refuse
 * any index past t. The columns themselves stay private (closures), so a strategy cannot read
 * the future even by accident: look-ahead is impossible by construction, not by convention.
 */
export interface BarWindow {
  /** Number of visible bars (t + 1). */
  readonly length: number;
  /** Index of the current bar (t). */
  readonly t: number;
  ts(i: number): number;
  open(i: number): number;
  high(i: number): number;
  low(i: number): number;
  close(i: number): number;
  volume(i: number): number;
}

/** A window plus the simulator's handle to move it forward; only the simulator holds `advanceTo`. */
export interface BarWindowControl {
  window: BarWindow;
  advanceTo(t: number): void;
}

/**
 * A window over `bars` that starts before the first bar; `advanceTo(t)` reveals bars up to t.
 * @example const { window, advanceTo } = createBarWindow(bars); advanceTo(0); window.close(0);
 */
export function createBarWindow(bars: Bars, symbol = 'bars'): BarWindowControl {
  let end = 0;
  const refuse = (i: number): never => {
    throw new BuffError('LOOK_AHEAD', `strategy read bar ${i} of ${symbol} at bar ${end - 1}: only bars 0..${end - 1} are visible`, {
      details: { key: symbol, value: String(i), rule: 'LOOK_AHEAD' },
    });
  };
  const reader = (column: Float64Array) => (i: number): number => {
    if (!(i >= 0 && i < end)) refuse(i);
    return column[i] as number;
  };
  const window: BarWindow = Object.freeze({
    get length() {
      return end;
    },
    get t() {
      return end - 1;
    },
    ts: reader(bars.ts),
    open: reader(bars.open),
    high: reader(bars.high),
    low: reader(bars.low),
    close: reader(bars.close),
    volume: reader(bars.volume),
  });
  return {
    window,
    advanceTo(t: number) {
      end = Math.min(t + 1, bars.ts.length);
    },
  };
}
