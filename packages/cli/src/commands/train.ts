import { outputFor, type RegisterCommands } from '../context.js';
import { resolveRoot } from '../roots.js';
import { mlCommandLogger, reportBackend } from '../backend-report.js';
import { refuseWhileKillSwitchOn, withKillSwitchRoot } from '../kill-switch-guard.js';

/**
 * `buff train --symbol BTC-USD --model lstm` / `buff train --model transformer --symbols BTC-USD,ETH-USD`:
 * trains, calibrates and evaluates a model and writes its folder under MODELS_ROOT.
 */
export const registerTrainCommands: RegisterCommands = (cli) =>
  cli.command(
    'train',
    'train an LSTM (one symbol) or a transformer (several symbols); writes checkpoint, model card, evaluation and reports',
    (y) =>
      withKillSwitchRoot(y)
        .option('model', {
          choices: ['lstm', 'transformer'] as const,
          default: 'lstm' as const,
          describe: 'model kind',
        })
        .option('symbol', { type: 'string', describe: 'one symbol (LSTM)' })
        .option('symbols', { type: 'string', describe: 'comma-separated symbols (transformer)' })
        .option('timeframe', { type: 'string', default: '1m', describe: 'bar timeframe of the stored dataset' })
        .option('name', { type: 'string', describe: 'model name (default <kind>-<symbols>-<timeframe>)' })
        .option('epochs', { type: 'number', default: 10 })
        .option('batch-size', { type: 'number', default: 128 })
        .option('learning-rate', { type: 'number', default: 0.002 })
        .option('patience', {
          type: 'number',
          default: 3,
          describe: 'early stopping: epochs without validation-loss improvement',
        })
        .option('seed', { type: 'number', default: 42 })
        .option('window', { type: 'number', default: 32, describe: 'bars per input window' })
        .option('horizon', { type: 'number', default: 1, describe: 'label: direction of the next h-bar return' })
        .option('dead-zone', { type: 'number', default: 0, describe: 'label: |return| <= this is not a direction' })
        .option('features', { type: 'string', describe: 'comma-separated feature names (default: all)' })
        .option('units', { type: 'number', default: 32, describe: 'LSTM units' })
        .option('train-frac', { type: 'number', default: 0.7 })
        .option('val-frac', { type: 'number', default: 0.15 })
        .option('backend', {
          choices: ['tensorflow', 'wasm', 'cpu'] as const,
          describe: 'force a TensorFlow.js backend',
        })
        .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' })
        .option('models-root', { type: 'string', describe: 'models root (else MODELS_ROOT, else ./models)' })
        .check((a) => {
          if (a.symbol === undefined && a.symbols === undefined) throw new Error('give --symbol or --symbols');
          return true;
        }),
    async (args) => {
      const out = outputFor(args);
      const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
      const modelsRoot = resolveRoot('MODELS_ROOT', args.modelsRoot);
      out.root(dataRoot);
      out.root(modelsRoot);
      await refuseWhileKillSwitchOn(args, out, 'train');
      const { trainModel } = await import('@buff/ml');
      const list = (text: string | undefined): string[] | undefined =>
        text
          ?.split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
      const symbols = list(args.symbols) ?? list(args.symbol) ?? [];
      const result = await trainModel(
        {
          dataRoot: dataRoot.path,
          modelsRoot: modelsRoot.path,
          model: args.model,
          symbols,
          timeframe: args.timeframe as never,
          ...(args.name === undefined ? {} : { name: args.name }),
          epochs: args.epochs,
          batchSize: args.batchSize,
          learningRate: args.learningRate,
          patience: args.patience,
          seed: args.seed,
          window: args.window,
          horizon: args.horizon,
          deadZone: args.deadZone,
          ...(args.features === undefined ? {} : { features: list(args.features) }),
          units: args.units,
          trainFrac: args.trainFrac,
          valFrac: args.valFrac,
          ...(args.backend === undefined ? {} : { backend: args.backend }),
        },
        {
          logger: mlCommandLogger('buff-train'),
          onEpoch: (e) =>
            out.progress(
              `epoch ${e.epoch}/${args.epochs}  loss ${e.loss.toFixed(4)}  val loss ${e.valLoss.toFixed(4)}  val accuracy ${e.valAccuracy.toFixed(4)}`,
              { alsoInJson: true }, // progress also with --json: stdout keeps the one JSON result line
            ),
        },
      );
      const backend = reportBackend(result.backend);
      const m = result.evaluation.metrics;
      out.line(
        `${result.card.kind} ${result.card.name} ${result.modelId} (backend ${result.card.backend.name}, ${result.card.training.epochsRun} epochs, best ${result.card.training.bestEpoch})`,
      );
      out.line(
        `test: accuracy ${m.accuracy.toFixed(4)}  ece ${m.ece.toFixed(4)}  log loss ${m.logLoss.toFixed(4)}  temperature ${result.evaluation.calibration.temperature.toFixed(4)}  gates ${result.evaluation.passed ? 'passed' : `failed (${result.evaluation.failures.join('; ')})`}`,
      );
      out.line(`model folder ${result.modelDir}`);
      out.result({
        modelDir: result.modelDir,
        modelId: result.modelId,
        created: result.created,
        ...backend,
        evaluation: result.evaluation,
        training: result.card.training,
      });
    },
  );
