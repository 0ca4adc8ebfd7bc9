import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BuffError, readModelCard, type EvaluationRecord } from '@buff/core';
import type { Argv } from 'yargs';
import { outputFor, type GlobalArgs, type ParsedArgs, type RegisterCommands } from '../context.js';
import type { Output } from '../output.js';
import { resolveRoot } from '../roots.js';
import { mlCommandLogger, reportBackend } from '../backend-report.js';
import { refuseWhileKillSwitchOn, withKillSwitchRoot } from '../kill-switch-guard.js';

/**
 * `buff evaluate --model DIR`: scores a trained model and its baselines (majority, persistence,
 * the registry's champion of the same name) on its held-out test split, records evaluation.json
 * and the reports, and exits 0 when the gates pass, 3 when they fail.
 */
export const registerEvaluateCommands: RegisterCommands = (cli) =>
  cli.command(
    'evaluate',
    'evaluate a trained model against the promotion gates and its baselines on held-out test data (exit 0 pass, 3 fail); records evaluation.json',
    (y) => withEvaluateOptions(y),
    (args) => runEvaluate(args),
  );

/** The options of `buff evaluate`: the model, its roots and the promotion gates. */
function withEvaluateOptions<T>(y: Argv<T>) {
  return withKillSwitchRoot(y)
    .option('model', {
      type: 'string',
      demandOption: true,
      describe: 'model folder (buff train prints it as modelDir)',
    })
    .option('data-root', {
      type: 'string',
      describe: 'data root holding the datasets the model card names (else DATA_ROOT, else ./data)',
    })
    .option('models-root', {
      type: 'string',
      describe: 'model registry whose champion of the same name is a baseline (else MODELS_ROOT, else ./models)',
    })
    .option('name', { type: 'string', describe: "registry model name (default: the model card's name)" })
    .option('reports-root', {
      type: 'string',
      describe: 'where reports/models/evaluation.md and reports/training/ go (else REPORTS_ROOT, else ./reports)',
    })
    .option('min-accuracy', { type: 'number', default: 0.68, describe: 'gate: minimum test accuracy' })
    .option('max-calibration-error', {
      type: 'number',
      default: 0.05,
      describe: 'gate: maximum test ECE (15 bins) after temperature scaling',
    })
    .option('beat-baselines', {
      type: 'boolean',
      default: true,
      describe: 'gate: beat every baseline by McNemar exact test (--no-beat-baselines turns it off, recorded)',
    })
    .option('max-p-value', { type: 'number', default: 0.05, describe: 'gate: McNemar p-value to beat a baseline' })
    .option('confidence', {
      type: 'number',
      choices: [0.9, 0.95, 0.99],
      default: 0.95,
      describe: 'gate: the Wilson lower bound of the accuracy at this confidence must reach --min-accuracy',
    });
}

type EvaluateArgs = ParsedArgs<ReturnType<typeof withEvaluateOptions<GlobalArgs>>>;

/** Evaluates the model, writes its reports and prints its figures; a failed gate is GATE_FAILED. */
async function runEvaluate(args: EvaluateArgs): Promise<void> {
  const out = outputFor(args);
  const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
  const modelsRoot = resolveRoot('MODELS_ROOT', args.modelsRoot);
  const reportsRoot = resolveRoot('REPORTS_ROOT', args.reportsRoot);
  out.root(dataRoot);
  out.root(modelsRoot);
  out.root(reportsRoot);
  await refuseWhileKillSwitchOn(args, out, 'evaluate');
  const { evaluateModel, activeBackend, writeModelReports, formatP, EVALUATION_FILE } = await import('@buff/ml');
  const card = readModelCard(args.model);
  const champion = await findChampion(modelsRoot.path, args.name ?? card.name);
  const gates = {
    minAccuracy: args.minAccuracy,
    maxCalibrationError: args.maxCalibrationError,
    beatBaselines: args.beatBaselines,
    maxPValue: args.maxPValue,
    confidence: args.confidence as 0.9 | 0.95 | 0.99,
  };
  const record = await evaluateModel(args.model, {
    dataRoot: dataRoot.path,
    gates,
    logger: mlCommandLogger('buff-evaluate'),
    ...(champion ? { champion } : {}),
  });
  const backend = reportBackend(activeBackend());
  const reports = writeModelReports(reportsRoot.path, args.model, card, record);
  printEvaluation(out, record, formatP, backend.backend ?? 'none');
  const file = join(args.model, EVALUATION_FILE);
  if (!record.passed) {
    throw new BuffError(
      'GATE_FAILED',
      `${record.modelId} failed the gates: ${record.failures.join('; ')} (recorded in ${file})`,
      {
        details: {
          file,
          rule: 'GATES',
          failures: record.failures,
          gates: record.gates,
          metrics: record.metrics,
          ...backend,
        },
      },
    );
  }
  out.line(`gates passed; recorded in ${file} and ${reports.summary}`);
  out.result({ modelDir: args.model, ...backend, evaluation: record, reports });
}

/** The registry's champion of that name, when the registry exists and has one. */
async function findChampion(modelsRoot: string, cardName: string) {
  if (!existsSync(modelsRoot)) return undefined;
  const { openModelRegistry, registryNameOf } = await import('@buff/registry');
  const registry = await openModelRegistry({ modelsRoot });
  try {
    const name = registryNameOf(cardName);
    const version = await registry.resolve(name, 'champion');
    return version ? { name, version: version.version, dir: version.dir } : undefined;
  } finally {
    await registry.close();
  }
}

/** The model's figures, then each baseline's with McNemar's test against it. */
function printEvaluation(out: Output, record: EvaluationRecord, formatP: (p: number) => string, backend: string): void {
  const m = record.metrics;
  const c = record.calibration;
  const i = record.accuracyInterval;
  out.line(
    `model ${record.modelId}: ${m.count} test samples, backend ${backend}, temperature ${c.temperature.toFixed(4)}`,
  );
  out.line(
    `  accuracy ${m.accuracy.toFixed(4)} [${i.lower.toFixed(4)}, ${i.upper.toFixed(4)} Wilson ${i.confidence * 100}%]  log loss ${m.logLoss.toFixed(4)}  brier ${m.brier.toFixed(4)}  ece ${m.ece.toFixed(4)}`,
  );
  out.line(
    `  ece before scaling ${c.eceBefore.value.toFixed(4)} [${c.eceBefore.lower.toFixed(4)}, ${c.eceBefore.upper.toFixed(4)}], after ${c.eceAfter.value.toFixed(4)}${c.scalingWorse ? ' (worse beyond the interval: the gate uses the uncalibrated ece)' : ''}`,
  );
  out.line(`  confusion tp ${m.confusion.tp} fp ${m.confusion.fp} tn ${m.confusion.tn} fn ${m.confusion.fn}`);
  for (const s of record.significance) {
    const b = s.against === 'champion' ? record.baselines.champion : record.baselines[s.against];
    if (!b) continue;
    const label =
      s.against === 'champion' && record.baselines.champion
        ? `champion v${record.baselines.champion.version}`
        : s.against;
    out.line(
      `  vs ${label.padEnd(12)} accuracy ${b.accuracy.toFixed(4)}  log loss ${b.logLoss.toFixed(4)}  brier ${b.brier.toFixed(4)}  ece ${b.ece.toFixed(4)}  McNemar p ${formatP(s.pValue)} (${s.modelOnly}/${s.baselineOnly}) ${s.beaten ? 'beaten' : 'NOT beaten'}`,
    );
  }
}
