/** The declared option lists yargs keeps for the command being parsed (`getOptions()`). */
interface DeclaredOptions {
  key: Record<string, unknown>;
  array: string[];
  number: string[];
}

/** A command line yargs accepted that the command cannot run with: a usage error (exit 2). */
export class FlagError extends Error {}

/**
 * Refuses what yargs lets through: a single-value flag given twice (yargs makes it an array and the
 * command would fail later, exit 1) and a number flag that is not a number (yargs makes it NaN).
 * Runs as global middleware before validation, so it sees the parsing command's own options.
 * `typed` is the command line as given, to quote what the user wrote.
 * @example cli.middleware((argv) => checkFlagValues(argv, cli, process.argv.slice(2)), true)
 */
export function checkFlagValues(argv: Record<string, unknown>, yargs: object, typed: readonly string[]): void {
  const declared = (yargs as { getOptions(): DeclaredOptions }).getOptions();
  const arrays = new Set(declared.array);
  for (const name of Object.keys(declared.key)) {
    const value = argv[name];
    if (Array.isArray(value) && !arrays.has(name))
      throw new FlagError(`--${name} takes one value; it was given ${value.length} times (${value.join(', ')})`);
  }
  for (const name of declared.number) {
    const value = argv[name];
    if (typeof value === 'number' && Number.isNaN(value))
      throw new FlagError(`--${name} must be a number (${typedValueOf(name, typed)})`);
  }
}

/** What the user typed after `--name`, for the message. */
function typedValueOf(name: string, args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg.startsWith(`--${name}=`)) return `got "${arg.slice(name.length + 3)}"`;
    if (arg === `--${name}` && args[i + 1] !== undefined) return `got "${args[i + 1]}"`;
  }
  return 'got no number';
}
