import { BuffError, allocateBars, type Bars } from '@buff/core';
import { createPrng } from './prng.js';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
/** Ten years of minutes: beyond that a synthetic series is a mistake, not a dataset. */
const MAX_DAYS = 3660;

/**
 * Version of the generator's algorithm: the same options give the same bytes within a version,
 * other bytes across versions. Recorded with every synthetic dataset's source. Version 2: the
 * planted pattern became regime x sign two bars back (version 1 planted plain persistence).
 */
export const SYNTHETIC_GENERATOR_VERSION = 2;

/** Per-minute log-return volatility of the two regimes and the chance per minute of leaving each (6 h mean stay, so each regime holds half the time). */
const CALM_SIGMA = 0.0006;
const STORMY_SIGMA = 0.0018;
const LEAVE_CALM = 1 / 360;
const LEAVE_STORMY = 1 / 360;

/** The patterns `signal` can plant. */
export const SYNTHETIC_PATTERNS = ['regime', 'persistence'] as const;
export type SyntheticPattern = (typeof SYNTHETIC_PATTERNS)[number];

/** Options of {@link synthesizeBars}; `signal` defaults to 0, `start` to 2024-01-01 UTC, `symbol` to SYNTH. */
export interface SynthesizeOptions {
  days: number;
  seed: number;
  signal?: number;
  /** The planted pattern (default `regime`); `persistence` plants "same sign as the last bar", which the persistence baseline captures. */
  pattern?: SyntheticPattern;
  start?: string;
  symbol?: string;
}

/**
 * Canonical 1m bars from a seeded geometric random walk with two volatility regimes
 * (Markov switching sigma, each regime half the time), OHLC from intrabar excursions
 * (open = previous close) and lognormal volume that rises with |return|. With `signal` S the
 * sign of each close-to-close log return follows a rule with probability 0.5 + 0.3 * S, else
 * its opposite: S = 0 is a pure random walk, S = 1 makes the rule right ~80% of the time.
 * The default `regime` rule is "the sign two bars back in the calm regime, its opposite in the
 * stormy one": a nonlinear mix of recent returns and the volatility regime that the majority
 * class and persistence ("same sign as the last bar") score ~0.5 on; a model must infer the
 * regime from the size of recent returns. `persistence` plants "same sign as the last bar".
 * Deterministic for (seed, signal, pattern, days, start, symbol) and {@link SYNTHETIC_GENERATOR_VERSION};
 * the symbol is mixed into the seed.
 * @example const bars = synthesizeBars({ days: 30, seed: 7, signal: 1, symbol: 'BTC-USD' });
 */
export function synthesizeBars(options: SynthesizeOptions): Bars {
  const { days, seed, signal, start, symbol, pattern } = parseOptions(options);
  const startMs = parseStart(start);
  const rows = Math.round(days * DAY_MINUTES);
  if (rows < 1) {
    throw new BuffError('INVALID_INPUT', `days ${days} is less than one minute of bars`, {
      details: { key: 'days', value: String(days) },
    });
  }

  const rng = createPrng(`buff-synthetic/${SYNTHETIC_GENERATOR_VERSION}:${seed}:${symbol}`);
  const followRule = 0.5 + 0.3 * signal;
  const bars = allocateBars(rows);
  let close = 10 ** (1 + 3 * rng.uniform());
  let stormy = false;
  let previousSign = rng.uniform() < 0.5 ? -1 : 1;
  let signBefore = rng.uniform() < 0.5 ? -1 : 1;
  for (let i = 0; i < rows; i++) {
    if (rng.uniform() < (stormy ? LEAVE_STORMY : LEAVE_CALM)) stormy = !stormy;
    const sigma = stormy ? STORMY_SIGMA : CALM_SIGMA;
    const rule = pattern === 'persistence' ? previousSign : stormy ? -signBefore : signBefore;
    const sign = rng.uniform() < followRule ? rule : -rule;
    signBefore = previousSign;
    previousSign = sign;
    const magnitude = Math.abs(rng.normal());
    const logReturn = sign * magnitude * sigma;
    const open = close;
    close = open * Math.exp(logReturn);
    bars.ts[i] = startMs + i * MINUTE_MS;
    bars.open[i] = open;
    bars.close[i] = close;
    bars.high[i] = Math.max(open, close) * Math.exp(0.5 * sigma * Math.abs(rng.normal()));
    bars.low[i] = Math.min(open, close) * Math.exp(-0.5 * sigma * Math.abs(rng.normal()));
    bars.volume[i] = (stormy ? 120 : 40) * Math.exp(0.4 * rng.normal()) * (1 + magnitude);
  }
  return bars;
}

function parseOptions(options: SynthesizeOptions): Required<SynthesizeOptions> {
  const { days, seed, signal = 0, start = '2024-01-01T00:00:00.000Z', symbol = 'SYNTH', pattern = 'regime' } = options;
  const reject = (key: string, value: unknown, rule: string): never => {
    throw new BuffError('INVALID_INPUT', `synthetic option ${key}=${String(value)}: ${rule}`, {
      details: { key, value: String(value), rule },
    });
  };
  if (typeof days !== 'number' || !(days > 0 && days <= MAX_DAYS))
    reject('days', days, `must be a number in (0, ${MAX_DAYS}]`);
  if (!Number.isSafeInteger(seed)) reject('seed', seed, 'must be an integer');
  if (typeof signal !== 'number' || !(signal >= 0 && signal <= 1))
    reject('signal', signal, 'must be a number in [0, 1]');
  if (typeof symbol !== 'string' || symbol === '') reject('symbol', symbol, 'must be a non-empty string');
  if (!SYNTHETIC_PATTERNS.includes(pattern))
    reject('pattern', pattern, `must be one of ${SYNTHETIC_PATTERNS.join(', ')}`);
  return { days, seed, signal, start, symbol, pattern };
}

function parseStart(start: string): number {
  const ms = /(Z|[+-]\d\d:\d\d)$/.test(start) ? Date.parse(start) : Number.NaN;
  if (!Number.isFinite(ms) || ms % MINUTE_MS !== 0) {
    throw new BuffError('INVALID_INPUT', `start "${start}" must be an ISO time with a zone on a whole minute`, {
      details: { key: 'start', value: start },
    });
  }
  return ms;
}
