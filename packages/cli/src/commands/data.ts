import { resolve } from 'node:path';
import { parseTimeframe, writeFileAtomic } from '@buff/core';
import { outputFor, type RegisterCommands } from '../context.js';
import { resolveRoot } from '../roots.js';
import { refuseWhileKillSwitchOn, withKillSwitchRoot } from '../kill-switch-guard.js';
import { reportMaxRss } from '../report-rss.js';

const DAY_MS = 86_400_000;
const DEFAULT_INVENTORY = 'reports/data_inventory.md';

/** `buff data synth`: fetch or synthesize 1m bars into the store. */
const registerDataSynth: RegisterCommands = (y) =>
  y.command(
    'synth',
    'write a 1m dataset from a provider (default synthetic: seeded, offline)',
    (c) =>
      withKillSwitchRoot(c)
        .option('symbol', { type: 'string', demandOption: true, describe: 'dataset symbol, e.g. BTC-USD' })
        .option('days', { type: 'number', default: 30, describe: 'days of 1m bars' })
        .option('seed', { type: 'number', default: 0, describe: 'seed of the synthetic generator' })
        .option('signal', {
          type: 'number',
          default: 0,
          describe: 'planted signal S in [0, 1] (0 = pure random walk)',
        })
        .option('pattern', {
          choices: ['regime', 'persistence'] as const,
          default: 'regime' as const,
          describe: 'planted pattern: regime (needs learning) or persistence (same sign as the last bar)',
        })
        .option('start', {
          type: 'string',
          describe: 'first bar, ISO with zone (default 2024-01-01T00:00:00.000Z)',
        })
        .option('provider', {
          type: 'string',
          describe: 'synthetic | csv | ccxt (else DATA_PROVIDER, else synthetic)',
        })
        .option('input', { type: 'string', describe: 'CSV file for the csv provider' })
        .option('exchange', { type: 'string', describe: 'ccxt exchange id for the ccxt provider, e.g. binance' })
        .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' }),
    async (args) => {
      const out = outputFor(args);
      const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
      out.root(dataRoot);
      await refuseWhileKillSwitchOn(args, out, 'data synth');
      const { fetchDataset, resolveProviderName } = await import('@buff/ingest');
      const provider = resolveProviderName(args.provider);
      const window = windowOf(provider, args.start, args.days);
      const { table, quality } = await fetchDataset(dataRoot.path, {
        symbol: args.symbol,
        provider,
        ...window,
        providerOptions: {
          seed: args.seed,
          signal: args.signal,
          pattern: args.pattern,
          days: args.days,
          ...(args.input === undefined ? {} : { file: resolve(args.input) }),
          ...(args.exchange === undefined ? {} : { exchangeId: args.exchange }),
        },
      });
      out.line(
        `${provider} ${args.symbol} 1m: ${table.rows} rows, ${table.first ?? '-'} -> ${table.last ?? '-'}, gaps ${table.gapCount}`,
      );
      out.line(`content id ${table.contentId}`);
      out.result({
        symbol: args.symbol,
        provider,
        table,
        quality: { rows: quality.rows, gapCount: quality.gapCount, missingBars: quality.missingBars },
      });
    },
  );

/**
 * `buff data synth | list | export`: fetch or synthesize 1m bars into the store, print the
 * inventory, export a stored table as CSV or Parquet.
 */
export const registerDataCommands: RegisterCommands = (cli) =>
  cli.command('data', 'datasets: synthesize, list, export', (y) =>
    registerDataSynth(y)
      .command(
        'list',
        'print the inventory: symbol, timeframe, rows, span, gaps, content id',
        (c) =>
          c
            .option('markdown', {
              type: 'string',
              describe: `also write the table as markdown (default file ${DEFAULT_INVENTORY})`,
            })
            .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' }),
        async (args) => {
          const out = outputFor(args);
          const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
          out.root(dataRoot);
          const { datasetInventory, formatInventoryMarkdown, formatInventoryText } = await import('@buff/ingest');
          const rows = await datasetInventory(dataRoot.path);
          out.line(formatInventoryText(rows));
          let markdown: string | undefined;
          if (args.markdown !== undefined) {
            markdown = resolve(args.markdown === '' ? DEFAULT_INVENTORY : args.markdown);
            writeFileAtomic(markdown, formatInventoryMarkdown(rows));
            out.line(`wrote ${markdown}`);
          }
          out.result({ datasets: rows, ...(markdown === undefined ? {} : { markdown }) });
          reportMaxRss();
        },
      )
      .command(
        'export',
        'export a stored table as CSV or Parquet (for pandas, polars, DuckDB)',
        (c) =>
          c
            .option('symbol', { type: 'string', demandOption: true, describe: 'dataset symbol' })
            .option('timeframe', { type: 'string', default: '1m', describe: 'stored timeframe' })
            .option('format', { choices: ['csv', 'parquet'] as const, demandOption: true, describe: 'output format' })
            .option('out', { type: 'string', demandOption: true, describe: 'output file (written atomically)' })
            .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' }),
        async (args) => {
          const out = outputFor(args);
          const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
          out.root(dataRoot);
          const { exportDataset } = await import('@buff/ingest');
          const timeframe = parseTimeframe(args.timeframe);
          const result = await exportDataset(dataRoot.path, {
            symbol: args.symbol,
            timeframe,
            format: args.format,
            out: resolve(args.out),
          });
          out.line(
            `exported ${args.symbol} ${timeframe}: ${result.rows} rows as ${result.format} to ${result.out} (${result.bytes} bytes)`,
          );
          out.result({ symbol: args.symbol, timeframe, ...result });
          reportMaxRss();
        },
      )
      .demandCommand(1, 'name a data command: synth, list or export'),
  );

/** The synthetic provider always gets a window; others only when --start is given. */
function windowOf(provider: string, start: string | undefined, days: number): { since?: string; until?: string } {
  if (provider === 'synthetic') return start === undefined ? {} : { since: start };
  if (start === undefined) return {};
  const since = Date.parse(start);
  return Number.isFinite(since)
    ? { since: start, until: new Date(since + days * DAY_MS).toISOString() }
    : { since: start };
}
