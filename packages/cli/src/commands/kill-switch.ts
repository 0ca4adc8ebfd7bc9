import { outputFor, type RegisterCommands } from '../context.js';
import { resolveRoot } from '../roots.js';
import { cliActor } from '../actor.js';

/** `buff kill-switch on|off|status`: stops (or allows) every command that writes research state on a runs root. */
export const registerKillSwitchCommands: RegisterCommands = (cli) =>
  cli.command(
    'kill-switch <action>',
    'turn the kill switch on or off (audited), or show it; on = ingest, builds, training, promotion and rollback refused',
    (y) =>
      y
        .positional('action', { choices: ['on', 'off', 'status'] as const, demandOption: true })
        .option('runs-root', { type: 'string', describe: 'runs root (else RUNS_ROOT, else ./runs)' })
        .option('reason', { type: 'string', default: '', describe: 'why (kept in the audit log)' })
        .option('actor', { type: 'string', describe: 'who (default cli:<user>@<host>)' }),
    async (args) => {
      const out = outputFor(args);
      const { readKillSwitch, setKillSwitch } = await import('@buff/registry');
      const runsRoot = resolveRoot('RUNS_ROOT', args.runsRoot);
      out.root(runsRoot);
      let changed: boolean | undefined;
      if (args.action !== 'status') {
        const change = await setKillSwitch(runsRoot.path, {
          on: args.action === 'on',
          actor: args.actor ?? cliActor(),
          reason: args.reason,
        });
        changed = change.changed;
      }
      const status = await readKillSwitch(runsRoot.path);
      const by = status.actor
        ? ` (by ${status.actor} at ${status.changedAt}${status.reason ? `: ${status.reason}` : ''})`
        : '';
      const failed = status.source === 'unreadable' ? ` (failed closed: ${status.reason})` : '';
      out.line(`kill switch: ${status.on ? 'ON' : 'off'}${failed || by}${changed === false ? ' (unchanged)' : ''}`);
      out.result({ killSwitch: status, ...(changed === undefined ? {} : { changed }) });
    },
  );
