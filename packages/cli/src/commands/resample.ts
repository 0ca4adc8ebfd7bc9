import { parseTimeframe } from '@buff/core';
import { outputFor, type RegisterCommands } from '../context.js';
import { resolveRoot } from '../roots.js';
import { refuseWhileKillSwitchOn, withKillSwitchRoot } from '../kill-switch-guard.js';
import { reportMaxRss } from '../report-rss.js';

/** `buff resample --symbol S --timeframe 1h`: derives a higher-timeframe table from the stored 1m bars. */
export const registerResampleCommands: RegisterCommands = (cli) =>
  cli.command(
    'resample',
    'resample a stored 1m dataset to a higher timeframe (UTC-aligned buckets; last bucket only if complete)',
    (y) =>
      withKillSwitchRoot(y)
        .option('symbol', { type: 'string', demandOption: true, describe: 'dataset symbol' })
        .option('timeframe', { type: 'string', demandOption: true, describe: '5m 15m 30m 1h 4h 1d' })
        .option('include-partial', { type: 'boolean', default: false, describe: 'keep an incomplete last bucket' })
        .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' }),
    async (args) => {
      const out = outputFor(args);
      const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
      out.root(dataRoot);
      await refuseWhileKillSwitchOn(args, out, 'resample');
      const timeframe = parseTimeframe(args.timeframe);
      const { resampleDataset } = await import('@buff/ingest');
      const table = await resampleDataset(dataRoot.path, args.symbol, timeframe, {
        includePartial: args.includePartial,
      });
      out.line(
        `resampled ${args.symbol} 1m -> ${timeframe}: ${table.rows} rows, ${table.first ?? '-'} -> ${table.last ?? '-'}, gaps ${table.gapCount}`,
      );
      out.line(`content id ${table.contentId} (from ${table.derivedFrom ?? '?'})`);
      out.result({ symbol: args.symbol, timeframe, table });
      reportMaxRss();
    },
  );
