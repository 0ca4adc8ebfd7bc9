import type { Argv } from 'yargs';
import { outputFor, type GlobalArgs, type RegisterCommands } from '../context.js';
import { formatTable } from '../text-table.js';

const show = (value: unknown) => (value === undefined ? '-' : JSON.stringify(value));

/** `buff strategies list`: the registered strategy packs, their parameters and defaults. */
export const registerStrategiesCommands: RegisterCommands = (cli) =>
  cli.command('strategies', 'the strategy packs a run config can name', (strategies: Argv<GlobalArgs>) =>
    strategies
      .command(
        'list',
        'list strategy packs: name, description, parameters with type, default and bounds',
        (y) => y,
        async (args) => {
          const out = outputFor(args);
          const { describeStrategies } = await import('@buff/engine');
          const packs = describeStrategies();
          for (const pack of packs) {
            out.line(`${pack.name}: ${pack.description}`);
            const rows = pack.params.map((p) => [
              `  ${p.name}`,
              p.type,
              p.required ? 'required' : show(p.default),
              p.range ?? '',
              p.description ?? '',
            ]);
            out.line(formatTable(['  param', 'type', 'default', 'range', 'meaning'], rows));
            out.line('');
          }
          out.line(`${packs.length} strategy pack(s); a run config names one as strategy: { name, params }`);
          out.result({ strategies: packs });
        },
      )
      .demandCommand(1, 'name a strategies subcommand: list'),
  );
