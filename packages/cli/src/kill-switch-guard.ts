import type { Argv } from 'yargs';
import type { Output } from './output.js';
import { resolveRoot } from './roots.js';

/**
 * The `--runs-root` option of a command that writes research state: the kill switch lives under
 * the runs root (RUNS_ROOT/.buff), also for commands that write only to DATA_ROOT or MODELS_ROOT.
 * @example withKillSwitchRoot(y).option('symbol', ...)
 */
export function withKillSwitchRoot<T>(y: Argv<T>) {
  return y.option('runs-root', {
    type: 'string',
    describe: 'runs root whose kill switch is checked (else RUNS_ROOT, else ./runs)',
  });
}

/**
 * Refuses (KILL_SWITCH_ON, exit 3) before a command that ingests, builds, trains, promotes or rolls
 * back writes anything, while the kill switch of its runs root is on or unreadable.
 * @example await refuseWhileKillSwitchOn(args, out, 'ingest csv');
 */
export async function refuseWhileKillSwitchOn(
  args: { runsRoot?: string | undefined },
  out: Output,
  action: string,
): Promise<void> {
  const runsRoot = resolveRoot('RUNS_ROOT', args.runsRoot);
  const { assertKillSwitchOff } = await import('@buff/registry');
  try {
    await assertKillSwitchOff(runsRoot.path, action);
  } catch (err) {
    out.root(runsRoot);
    throw err;
  }
}
