import type { RegisterCommands } from '../context.js';

/**
 * Every command group, in help order. Each group lives in its own file under commands/
 * and only translates flags into SDK calls.
 */
export const COMMAND_GROUPS: RegisterCommands[] = [];
