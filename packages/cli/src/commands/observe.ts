import { join } from 'node:path';
import { BuffError } from '@buff/core';
import type { Argv } from 'yargs';
import { outputFor, type GlobalArgs, type ParsedArgs, type RegisterCommands } from '../context.js';
import { lazyModelResolver } from '../model-resolver.js';
import { resolveRoot } from '../roots.js';

/**
 * `buff observe report --session ID [--baseline RUN_ID] [--day N]`: the dry run against its backtest
 * baseline (built on the fly when not given), written under REPORTS_ROOT/observation/<session>/.
 */
export const registerObserveCommands: RegisterCommands = (cli) =>
  cli.command('observe', 'observation reports of dry-run sessions', (observe) =>
    observe
      .command(
        'report',
        'compare a dry-run session with its backtest baseline: exit criteria, win rate and tiers, every decision reconciled (Markdown + SVG)',
        (y) => withReportOptions(y),
        (args) => observeReport(args),
      )
      .demandCommand(1, 'name an observe command: report'),
  );

/** The options of `buff observe report`: the session, its baseline, the day and the roots. */
function withReportOptions<T>(y: Argv<T>) {
  return y
    .option('session', { type: 'string', demandOption: true, describe: 'dry-run session id (dry-<16 hex>)' })
    .option('baseline', {
      type: 'string',
      describe: 'run id of the baseline (else buff run build of the session config)',
    })
    .option('day', {
      type: 'number',
      describe: 'write only dayN.md (1 = the first day of the session) besides summary.md',
    })
    .option('tolerance', {
      type: 'number',
      default: 5,
      describe: 'points of win rate / tier share beyond which a gap is flagged',
    })
    .option('runs-root', { type: 'string', describe: 'runs root (else RUNS_ROOT, else ./runs)' })
    .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' })
    .option('models-root', { type: 'string', describe: 'models root (else MODELS_ROOT, else ./models)' })
    .option('reports-root', { type: 'string', describe: 'reports root (else REPORTS_ROOT, else ./reports)' });
}

/** Writes the session's observation report and prints its criteria, baseline and differences. */
async function observeReport(args: ParsedArgs<ReturnType<typeof withReportOptions<GlobalArgs>>>): Promise<void> {
  const out = outputFor(args);
  if (args.day !== undefined && !(Number.isInteger(args.day) && args.day >= 1))
    throw new BuffError('INVALID_INPUT', `--day must be a whole number >= 1, not ${args.day}`, {
      details: { key: 'day', value: String(args.day) },
    });
  const roots = ['RUNS_ROOT', 'DATA_ROOT', 'REPORTS_ROOT'] as const;
  const [runsRoot, dataRoot, reportsRoot] = roots.map((name, i) =>
    resolveRoot(name, [args.runsRoot, args.dataRoot, args.reportsRoot][i]),
  ) as [ReturnType<typeof resolveRoot>, ReturnType<typeof resolveRoot>, ReturnType<typeof resolveRoot>];
  for (const root of [runsRoot, dataRoot, reportsRoot]) out.root(root);
  const engine = await import('@buff/engine');
  const { openRunRegistry } = await import('@buff/registry');
  const models = lazyModelResolver(args.modelsRoot, out);
  const registry = await openRunRegistry({ runsRoot: runsRoot.path, create: true });
  try {
    const input = await engine.observationInputOf({
      runsRoot: runsRoot.path,
      dataRoot: dataRoot.path,
      sessionId: args.session,
      runStore: registry,
      baselineRunId: args.baseline,
      resolveModel: models.resolveModel,
    });
    const report = engine.observationReport(
      { ...input, tolerancePts: args.tolerance },
      args.day === undefined ? {} : { day: args.day },
    );
    if (args.day !== undefined && args.day > report.days.length)
      throw new BuffError('INVALID_INPUT', `--day ${args.day}: the session has ${report.days.length} day(s)`, {
        details: { key: 'day', value: String(args.day), rule: 'DAY_RANGE' },
      });
    const dir = join(reportsRoot.path, 'observation', input.session.id);
    const files = engine.writeObservationReport(dir, report);
    for (const c of report.criteria) out.line(`${c.pass ? 'pass' : 'FAIL'}  ${c.name}: ${c.figures}`);
    out.line(`baseline ${input.baselineLabel}`);
    out.line(`${report.reconciliation.differences.length} difference(s), ${report.unexplained} unexplained`);
    out.line(`report ${dir} (${files.length} files)`);
    out.result({
      dir,
      files,
      baseline: input.baselineLabel,
      compared: report.reconciliation.compared,
      differences: report.reconciliation.differences.length,
      unexplained: report.unexplained,
      criteria: report.criteria,
    });
  } finally {
    await registry.close();
    await models.close();
  }
}
