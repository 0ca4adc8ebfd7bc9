import yargs from 'yargs';
import { ioErrorOf, isBuffError, packageInfo } from '@buff/core';
import { ExitCode } from './exit-codes.js';
import { checkFlagValues, FlagError } from './flag-checks.js';
import type { GlobalArgs, RegisterCommands } from './context.js';
import { COMMAND_GROUPS } from './commands/index.js';
import { guardClosedStdout } from './closed-stdout.js';

class UsageError extends Error {}

/**
 * Runs the `buff` command with the given arguments and returns its exit code:
 * 0 success, 2 usage error, 3 rejected input or failed check (BuffError), 1 anything else.
 * @example process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: string[]): Promise<number> {
  guardClosedStdout();
  let cli = yargs(argv)
    .scriptName('buff')
    .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
    .strict()
    .demandCommand(1, 'name a command; see buff --help')
    .recommendCommands()
    .help()
    .version('version', 'print the version of buff', cliVersion())
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .middleware((args) => checkFlagValues(args, cli, argv), true)
    .exitProcess(false)
    .fail((message, err) => {
      // yargs passes a handler's error with no message; an error thrown by a check() or coerce() comes with its
      // message: any such failure is the command line's (usage, exit 2) unless it is a BuffError (exit 3)
      if (err && (message === null || isBuffError(err))) throw err;
      throw new UsageError(message ?? err?.message ?? 'invalid command line');
    }) as unknown as import('yargs').Argv<GlobalArgs>;
  for (const register of COMMAND_GROUPS as RegisterCommands[]) cli = register(cli);
  const json = argv.includes('--json');
  try {
    await cli.parseAsync();
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.OK;
  } catch (err) {
    return reportError(err, json);
  }
}

/** The @buff/cli package version (a build-time constant in the bundle). */
function cliVersion(): string {
  return packageInfo('@buff/cli', new URL('../package.json', import.meta.url)).version;
}

function reportError(thrown: unknown, json: boolean): number {
  // A filesystem refusal (disk full, I/O error, permission) is a named failure, not a crash.
  const err = ioErrorOf(thrown) ?? thrown;
  if (err instanceof UsageError || err instanceof FlagError) {
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, code: 'USAGE', message: err.message })}\n`);
    else process.stderr.write(`buff: ${err.message}\n`);
    return ExitCode.USAGE;
  }
  if (isBuffError(err)) {
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, ...err.toJSON() })}\n`);
    else process.stderr.write(`buff: ${err.toLine()}\n`);
    return ExitCode.REJECTED;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, code: 'INTERNAL', message: String(err) })}\n`);
  else process.stderr.write(`buff: unexpected error: ${message}\n`);
  return ExitCode.UNEXPECTED;
}
