import type { Argv } from 'yargs';
import { createOutput, type Output } from './output.js';

/** Options every command takes. */
export interface GlobalArgs {
  json: boolean;
}

/** A command group registers its commands on the yargs instance. */
export type RegisterCommands = (cli: Argv<GlobalArgs>) => Argv<GlobalArgs>;

/**
 * The parsed arguments of a command whose options builder returned `A`, for a handler written as
 * a named function.
 * @example type BuildArgs = ParsedArgs<ReturnType<typeof withBuildOptions<GlobalArgs>>>;
 */
export type ParsedArgs<A extends Argv<unknown>> = Awaited<A['argv']>;

/** Output for a command's handler, from its parsed args. */
export function outputFor(args: { json?: boolean }): Output {
  return createOutput(Boolean(args.json));
}
