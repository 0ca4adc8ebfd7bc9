import { BuffError } from '@buff/core';
import type { RunConfig } from '@buff/engine';
import { readDatasetManifest } from '@buff/ingest';

const MINUTE = 60_000;

/** The span [first, last + 1m) that the 1m bars of a symbol cover (ISO instants). */
export interface CoveredSpan {
  first: string | null;
  last: string | null;
}

/**
 * Refuses, before a job is queued, a window the data do not cover (unless `window.allowPartial`):
 * INSUFFICIENT_DATA (HTTP 422) naming the symbol, the window and the span the data cover, so the
 * form can show it. `uploaded` is the span of a CSV uploaded for this run (it is not stored yet).
 * The builder refuses the same window again at build time (PARTIAL_WINDOW); this only answers early.
 * @example await assertWindowCovered(dataRoot, config, { symbol: 'XRP-ETH', first, last })
 */
export async function assertWindowCovered(
  dataRoot: string,
  config: RunConfig,
  uploaded?: CoveredSpan & { symbol: string },
): Promise<void> {
  if (config.window.allowPartial === true) return;
  const since = Date.parse(config.window.since);
  const until = Date.parse(config.window.until);
  for (const symbol of config.symbols) {
    const span =
      uploaded?.symbol === symbol
        ? uploaded
        : await readDatasetManifest(dataRoot, symbol).then(
            (m) => m.tables['1m'] ?? Object.values(m.tables)[0],
            () => undefined,
          );
    if (span === undefined || span.first === null || span.last === null) continue;
    const first = Date.parse(span.first);
    const end = Date.parse(span.last) + MINUTE;
    if (since >= first && until <= end) continue;
    const covered = { since: new Date(first).toISOString(), until: new Date(end).toISOString() };
    throw new BuffError(
      'INSUFFICIENT_DATA',
      `the data of ${symbol} cover [${covered.since}, ${covered.until}), not the window [${config.window.since}, ${config.window.until}): choose a window inside it (or set window.allowPartial)`,
      { details: { key: 'window', rule: 'PARTIAL_WINDOW', value: symbol, covered } },
    );
  }
}
