import { hostname, userInfo } from 'node:os';

/**
 * Who an audited command acts as when `--actor` is not given: `cli:<user>@<host>`.
 * @example setKillSwitch(root, { on: true, actor: args.actor ?? cliActor() })
 */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}@${hostname()}`;
  } catch {
    return `cli:uid${process.getuid?.() ?? '?'}@${hostname()}`;
  }
}
