import type { Argv } from 'yargs';
import { createOutput, type Output } from './output.js';

/** Options every command takes. */
export interface GlobalArgs {
  json: boolean;
}

/** A command group registers its commands on the yargs instance. */
export type RegisterCommands = (cli: Argv<GlobalArgs>) => Argv<GlobalArgs>;

/** Output for a command's handler, from its parsed args. */
export function outputFor(args: { json?: boolean }): Output {
  return createOutput(Boolean(args.json));
}
