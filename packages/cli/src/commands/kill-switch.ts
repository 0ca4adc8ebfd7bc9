import { outputFor, type RegisterCommands } from '../context.js';
import { resolveRoot } from '../roots.js';
import { cliActor } from '../actor.js';

/** `buff kill-switch on|off|status`: stops (or allows) new runs and ingest on a runs root. */
export const registerKillSwitchCommands: RegisterCommands = (cli) =>
  cli.command(
    'kill-switch <action>',
    'turn the kill switch on or off (audited), or show it; on = new runs and ingest refused',
    (y) =>
      y
        .positional('action', { choices: ['on', 'off', 'status'] as const, demandOption: true })
        .option('runs-root', { type: 'string', describe: 'runs root (else RUNS_ROOT, else ./runs)' })
        .option('reason', { type: 'string', default: '', describe: 'why (kept in the audit log)' })
        .option('actor', { type: 'string', describe: 'who (default cli:<user>@<host>)' }),
    async (args) => {
      const out = outputFor(args);
      const { readKillSwitch, setKillSwitch } = await import('@buff/server');
      const runsRoot = resolveRoot('RUNS_ROOT', args.runsRoot);
      out.root(runsRoot);
      if (args.action !== 'status') {
        await setKillSwitch(runsRoot.path, {
          on: args.action === 'on',
          actor: args.actor ?? cliActor(),
          reason: args.reason,
        });
      }
      const status = await readKillSwitch(runsRoot.path);
      out.line(
        `kill switch: ${status.on ? 'ON' : 'off'}${status.source === 'unreadable' ? ` (failed closed: ${status.reason})` : status.actor ? ` (by ${status.actor} at ${status.changedAt}${status.reason ? `: ${status.reason}` : ''})` : ''}`,
      );
      out.result({ killSwitch: status });
    },
  );
