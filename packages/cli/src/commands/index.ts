import type { RegisterCommands } from '../context.js';
import { registerFeaturesCommands } from './features.js';
import { registerModelsCommands } from './models.js';
import { registerTrainCommands } from './train.js';
import { registerEvaluateCommands } from './evaluate.js';
import { registerDataCommands } from './data.js';
import { registerIngestCommands } from './ingest.js';
import { registerResampleCommands } from './resample.js';
import { registerRunCommands } from './run.js';
import { registerRunsCommands } from './runs.js';
import { registerStrategiesCommands } from './strategies.js';
import { registerRegistryCommands } from './registry.js';
import { registerServeCommands } from './serve.js';
import { registerKillSwitchCommands } from './kill-switch.js';
import { registerNotifyCommands } from './notify.js';
import { registerSweepCommands } from './sweep.js';
import { registerWorkerCommands } from './worker.js';
import { registerPreflightCommands } from './preflight.js';
import { registerDryRunCommands } from './dryrun.js';
import { registerObserveCommands } from './observe.js';
import { registerReleaseGateCommands } from './release-gate.js';

/**
 * Every command group, in help order. Each group lives in its own file under commands/
 * and only translates flags into SDK calls.
 */
export const COMMAND_GROUPS: RegisterCommands[] = [
  registerDataCommands,
  registerIngestCommands,
  registerResampleCommands,
  registerRunCommands,
  registerRunsCommands,
  registerStrategiesCommands,
  registerSweepCommands,
  registerWorkerCommands,
  registerRegistryCommands,
  registerServeCommands,
  registerKillSwitchCommands,
  registerNotifyCommands,
  registerPreflightCommands,
  registerReleaseGateCommands,
  registerFeaturesCommands,
  registerTrainCommands,
  registerEvaluateCommands,
  registerModelsCommands,
  registerDryRunCommands,
  registerObserveCommands,
];
