import { BuffError, parseTimeframe } from '@buff/core';
import type { FeatureCheckReport } from '@buff/ml';
import { outputFor, type RegisterCommands } from '../context.js';
import type { Output } from '../output.js';
import { resolveRoot } from '../roots.js';
import { refuseWhileKillSwitchOn, withKillSwitchRoot } from '../kill-switch-guard.js';

/**
 * `buff features --symbol S --timeframe T`: computes and stores a dataset's feature table;
 * `buff features check`: NaN/inf counts, constant columns and leakage suspects (exit 3 on errors).
 */
export const registerFeaturesCommands: RegisterCommands = (cli) =>
  cli.command(
    'features',
    'compute and store the feature table of a dataset (<DATA_ROOT>/<symbol>/features/<timeframe>.arrow)',
    (y) =>
      withKillSwitchRoot(y)
        .option('symbol', { type: 'string', demandOption: true, describe: 'dataset symbol, e.g. BTC-USD' })
        .option('timeframe', { type: 'string', default: '1m', describe: 'stored timeframe to compute features of' })
        .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' })
        .command(
          'check',
          'check a stored feature table: NaN/inf counts, constant columns, leakage suspects (exit 3 on errors)',
          (c) =>
            c
              .option('horizon', {
                type: 'number',
                default: 1,
                describe: 'label horizon in bars for the leakage check',
              })
              .option('dead-zone', {
                type: 'number',
                default: 0,
                describe: 'label dead zone (|log return| at or below it is no direction)',
              })
              .option('max-label-correlation', {
                type: 'number',
                default: 0.9,
                describe: '|corr(feature, label)| above this is a leakage suspect',
              }),
          async (args) => {
            const out = outputFor(args);
            const symbol = args.symbol;
            const timeframe = parseTimeframe(args.timeframe);
            const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
            out.root(dataRoot);
            const { loadFeatureTable, makeLabels, checkFeatures } = await import('@buff/ml');
            const { readBars } = await import('@buff/ingest');
            const { table, entry } = await loadFeatureTable(dataRoot.path, symbol, timeframe);
            const { bars } = await readBars(dataRoot.path, symbol, timeframe);
            const labels = makeLabels(bars, { horizon: args.horizon, deadZone: args.deadZone });
            const report = checkFeatures(table, labels, { maxLabelCorrelation: args.maxLabelCorrelation });
            printFeatureCheck(out, { symbol, timeframe }, report, entry.contentId);
            out.line('feature check: ok');
            out.result({ symbol, timeframe, featureContentId: entry.contentId, report });
          },
        ),
    async (args) => {
      const out = outputFor(args);
      const symbol = args.symbol;
      const timeframe = parseTimeframe(args.timeframe);
      const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
      out.root(dataRoot);
      await refuseWhileKillSwitchOn(args, out, 'features');
      const { buildFeatureTable } = await import('@buff/ml');
      const entry = await buildFeatureTable(dataRoot.path, symbol, timeframe);
      out.line(
        `features ${symbol} ${timeframe}: ${entry.rows} rows (warmup ${entry.warmup}), ${entry.names.length} features`,
      );
      out.line(`  ${entry.names.join(' ')}`);
      out.line(`content id ${entry.contentId} (from dataset ${entry.sourceContentId})`);
      out.result({ symbol, timeframe, featureTable: entry });
    },
  );

/** Prints the check's header, one row per column and its problems; an error among them is VALIDATION_FAILED. */
function printFeatureCheck(
  out: Output,
  { symbol, timeframe }: { symbol: string; timeframe: string },
  report: FeatureCheckReport,
  contentId: string,
): void {
  out.line(
    `features ${symbol} ${timeframe}: ${report.rows} rows, warmup ${report.warmup}, ${report.columns.length} columns, content id ${contentId}`,
  );
  for (const column of report.columns) {
    out.line(
      `  ${column.name.padEnd(16)} nan ${column.nanCount} inf ${column.infCount} mean ${fixed(column.mean)} std ${fixed(column.std)} corr(label) ${fixed(column.labelCorrelation)}${column.constant ? ' CONSTANT' : ''}`,
    );
  }
  for (const problem of report.problems)
    out.line(`${problem.severity.toUpperCase()} ${problem.rule} ${problem.message}`);
  if (!report.ok) {
    const errors = report.problems.filter((p) => p.severity === 'error');
    throw new BuffError(
      'VALIDATION_FAILED',
      `feature check of ${symbol}/${timeframe} failed: ${errors.map((p) => p.message).join('; ')}`,
      {
        details: { key: errors[0]?.column, rule: errors[0]?.rule, problems: report.problems },
      },
    );
  }
}

function fixed(value: number | null): string {
  return value === null || !Number.isFinite(value) ? 'n/a' : value.toFixed(4);
}
