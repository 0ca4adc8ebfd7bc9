import {
  BuffError,
  TIMEFRAMES,
  type IngestOptionsInput,
  type QualityReport,
  type TimestampFormat,
  type Timeframe,
} from '@buff/core';
import { outputFor, type RegisterCommands } from '../context.js';
import type { Output } from '../output.js';
import { resolveRoot } from '../roots.js';
import { refuseWhileKillSwitchOn, withKillSwitchRoot } from '../kill-switch-guard.js';

/**
 * `buff ingest csv | arrow`: strict ingest of a file into the 1m dataset store, printing the
 * resolved DATA_ROOT and the quality report (rows, span, gaps, content id).
 */
export const registerIngestCommands: RegisterCommands = (cli) =>
  cli.command('ingest', 'strict ingest of candles into the dataset store', (y) =>
    y
      .command(
        'csv',
        'ingest a CSV (timestamp,open,high,low,close,volume); every ingest rule fails closed',
        (c) =>
          withCommonOptions(c)
            .option('timestamp-format', {
              type: 'string',
              choices: ['iso', 'epoch-s', 'epoch-ms'],
              default: 'iso',
              describe: 'how timestamps are written',
            })
            .option('map', {
              type: 'string',
              array: true,
              describe: 'map an extra column: NAME=ignore or NAME=timestamp|open|high|low|close|volume',
            }),
        async (args) => {
          const { ingestCsv } = await import('@buff/ingest');
          await runIngest(args, 'ingest csv', (options) => ingestCsv(args.input, options));
        },
      )
      .command(
        'arrow',
        'ingest an Arrow IPC or feather v2 file (LZ4/ZSTD as pandas and freqtrade write them)',
        (c) =>
          withCommonOptions(c)
            .option('timestamp-format', {
              type: 'string',
              choices: ['iso', 'epoch-s', 'epoch-ms'],
              default: 'iso',
              describe: 'for integer or string time columns',
            })
            .option('map', {
              type: 'string',
              array: true,
              describe: 'map an extra column: NAME=ignore or NAME=<canonical column>',
            }),
        async (args) => {
          const { ingestArrow } = await import('@buff/ingest');
          await runIngest(args, 'ingest arrow', (options) => ingestArrow(args.input, options));
        },
      )
      .demandCommand(1, 'name what to ingest: csv or arrow'),
  );

function withCommonOptions<T>(c: import('yargs').Argv<T>) {
  return withKillSwitchRoot(c)
    .option('input', { type: 'string', demandOption: true, describe: 'the file to ingest' })
    .option('symbol', { type: 'string', demandOption: true, describe: 'dataset symbol, e.g. BTC-USD' })
    .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' })
    .option('allow-gaps', {
      type: 'boolean',
      default: false,
      describe: 'accept missing bars (listed in the quality report, never filled)',
    })
    .option('timezone', { type: 'string', describe: 'IANA zone of timestamps that carry no zone, e.g. Europe/Prague' })
    .option('ambiguous', {
      type: 'string',
      choices: ['refuse', 'earlier', 'later'],
      describe: 'a --timezone time that occurs twice (DST fall-back): refused unless earlier or later is chosen',
    })
    .option('timeframe', {
      type: 'string',
      choices: TIMEFRAMES as unknown as string[],
      default: '1m',
      describe: 'the spacing the file declares',
    });
}

interface IngestArgs {
  json?: boolean;
  input: string;
  symbol: string;
  dataRoot?: string | undefined;
  runsRoot?: string | undefined;
  allowGaps: boolean;
  timezone?: string | undefined;
  ambiguous?: string | undefined;
  timeframe: string;
  timestampFormat: string;
  map?: Array<string | number> | undefined;
}

type IngestCall = (
  options: IngestOptionsInput & { dataRoot: string },
) => Promise<{ quality: QualityReport; dataset?: { contentId: string; file: string } }>;

async function runIngest(args: IngestArgs, action: string, ingest: IngestCall): Promise<void> {
  const out = outputFor(args);
  const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
  out.root(dataRoot);
  await refuseWhileKillSwitchOn(args, out, action);
  const previous = await storedTableOf(dataRoot.path, args.symbol);
  const { quality, dataset } = await ingest({
    symbol: args.symbol,
    timeframe: args.timeframe as Timeframe,
    allowGaps: args.allowGaps,
    timestampFormat: args.timestampFormat as TimestampFormat,
    columnMap: parseColumnMap(args.map ?? []),
    ...(args.timezone === undefined ? {} : { timezone: args.timezone }),
    ...(args.ambiguous === undefined ? {} : { ambiguous: args.ambiguous as 'refuse' | 'earlier' | 'later' }),
    dataRoot: dataRoot.path,
  });
  const { formatQualitySummary } = await import('@buff/ingest');
  printSummary(out, args, quality, dataset);
  if (previous) out.line(replacedLine(args.symbol, previous, dataset?.contentId));
  for (const line of formatQualitySummary(quality)) out.line(line);
  out.result({ dataset: { symbol: args.symbol, ...dataset }, quality, replaced: previous ?? null });
  // For bench/ingest.mjs on machines without /usr/bin/time.
  if (process.env.BUFF_REPORT_RSS === '1')
    process.stderr.write(`maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB\n`);
}

/** The 1m table stored for `symbol` before an ingest replaces it (undefined when there is none). */
async function storedTableOf(
  dataRoot: string,
  symbol: string,
): Promise<{ contentId: string; rows: number; first: string | null; last: string | null } | undefined> {
  const { readDatasetManifest } = await import('@buff/ingest');
  const table = await readDatasetManifest(dataRoot, symbol).then(
    (manifest) => manifest.tables['1m'],
    () => undefined, // no dataset yet (or an unreadable one, which the ingest reports itself)
  );
  return table && { contentId: table.contentId, rows: table.rows, first: table.first, last: table.last };
}

function replacedLine(
  symbol: string,
  previous: { contentId: string; rows: number; first: string | null; last: string | null },
  contentId: string | undefined,
): string {
  const old = `content id ${previous.contentId}, ${previous.rows} rows, ${previous.first ?? '-'} .. ${previous.last ?? '-'}`;
  return previous.contentId === contentId
    ? `${symbol} was already stored with the same content (${old}): nothing changed`
    : `replaced the stored ${symbol} dataset (was ${old})`;
}

function printSummary(
  out: Output,
  args: IngestArgs,
  quality: QualityReport,
  dataset: { contentId: string; file: string } | undefined,
): void {
  out.line(
    `ingested ${args.input} -> ${args.symbol}/${dataset?.file ?? '-'}: ${quality.rows} rows, ${quality.gapCount} gaps`,
  );
  out.line(`content id ${dataset?.contentId ?? '-'}`);
}

/** `--map trades=ignore --map Date=timestamp` -> { trades: null, Date: 'timestamp' }. */
function parseColumnMap(entries: Array<string | number>): Record<string, string | null> {
  const map: Record<string, string | null> = {};
  for (const entry of entries.map(String)) {
    const at = entry.lastIndexOf('=');
    if (at <= 0 || at === entry.length - 1) {
      throw new BuffError('INVALID_INPUT', `--map "${entry}" must be NAME=ignore or NAME=<column>`, {
        details: { key: 'map', value: entry },
      });
    }
    const target = entry.slice(at + 1);
    map[entry.slice(0, at)] = target === 'ignore' ? null : target;
  }
  return map;
}
