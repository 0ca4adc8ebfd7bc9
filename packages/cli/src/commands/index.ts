import type { RegisterCommands } from '../context.js';
import { registerFeaturesCommands } from './features.js';
import { registerServeCommands } from './serve.js';
import { registerKillSwitchCommands } from './kill-switch.js';

/**
 * Every command group, in help order. Each group lives in its own file under commands/
 * and only translates flags into SDK calls.
 */
export const COMMAND_GROUPS: RegisterCommands[] = [
  registerServeCommands,
  registerKillSwitchCommands,
  registerFeaturesCommands,
];
