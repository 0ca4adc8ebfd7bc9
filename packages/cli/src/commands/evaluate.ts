import { join } from 'node:path';
import { BuffError } from '@buff/core';
import { outputFor, type RegisterCommands } from '../context.js';
import { resolveRoot } from '../roots.js';
import { mlCommandLogger, reportBackend } from '../backend-report.js';
import { refuseWhileKillSwitchOn, withKillSwitchRoot } from '../kill-switch-guard.js';

/**
 * `buff evaluate --model DIR`: scores a trained model on its held-out test split, records
 * evaluation.json in the model folder, and exits 0 when the gates pass, 3 when they fail.
 */
export const registerEvaluateCommands: RegisterCommands = (cli) =>
  cli.command(
    'evaluate',
    'evaluate a trained model on its held-out test data against the promotion gates (exit 0 pass, 3 fail); records evaluation.json',
    (y) =>
      withKillSwitchRoot(y)
        .option('model', {
          type: 'string',
          demandOption: true,
          describe: 'model folder (buff train prints it as modelDir)',
        })
        .option('data-root', {
          type: 'string',
          describe: 'data root holding the datasets the model card names (else DATA_ROOT, else ./data)',
        })
        .option('min-accuracy', { type: 'number', default: 0.68, describe: 'gate: minimum test accuracy' })
        .option('max-calibration-error', {
          type: 'number',
          default: 0.05,
          describe: 'gate: maximum test ECE (15 bins) after temperature scaling',
        }),
    async (args) => {
      const out = outputFor(args);
      const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
      out.root(dataRoot);
      await refuseWhileKillSwitchOn(args, out, 'evaluate');
      const { evaluateModel, activeBackend, EVALUATION_FILE } = await import('@buff/ml');
      const gates = { minAccuracy: args.minAccuracy, maxCalibrationError: args.maxCalibrationError };
      const record = await evaluateModel(args.model, {
        dataRoot: dataRoot.path,
        gates,
        logger: mlCommandLogger('buff-evaluate'),
      });
      const backend = reportBackend(activeBackend());
      const m = record.metrics;
      out.line(
        `model ${record.modelId}: ${m.count} test samples, backend ${backend.backend}, temperature ${record.calibration.temperature.toFixed(4)}`,
      );
      out.line(
        `  accuracy ${m.accuracy.toFixed(4)}  balanced ${m.balancedAccuracy.toFixed(4)}  log loss ${m.logLoss.toFixed(4)}  brier ${m.brier.toFixed(4)}  ece ${m.ece.toFixed(4)}`,
      );
      out.line(`  confusion tp ${m.confusion.tp} fp ${m.confusion.fp} tn ${m.confusion.tn} fn ${m.confusion.fn}`);
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
      out.line(
        `gates passed (accuracy >= ${gates.minAccuracy}, ece <= ${gates.maxCalibrationError}); recorded in ${file}`,
      );
      out.result({ modelDir: args.model, ...backend, evaluation: record });
    },
  );
