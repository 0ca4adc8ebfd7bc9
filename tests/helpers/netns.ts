import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { findPostgresBin } from './pg.js';

/**
 * Hosts on one private network: a network namespace per host (`buff-<pid>-<name>`), each with an
 * `eth0` whose veth peer sits on a bridge inside a switch namespace (`buff-<pid>-sw`), so nothing
 * is added to the caller's own namespace. Host i gets 10.213.0.(i+1)/24.
 */
export interface Network {
  /** Each host's address, by name. */
  address: Record<string, string>;
  /** `ip netns exec <ns> ...argv`: run argv on host `name`. */
  exec(name: string, argv: string[]): string[];
  /** Brings host `name`'s `eth0` down or up (inside its namespace): a partition, then its end. */
  link(name: string, state: 'up' | 'down'): void;
  /** SIGKILLs every process left in the namespaces, then deletes them (veths and bridge go with them). */
  teardown(): void;
}

const SUBNET = '10.213.0';

const ip = (args: string[]): void => {
  execFileSync('ip', args, { stdio: 'pipe' });
};

/**
 * Why namespaces cannot be made here (not root, no `ip netns`), or undefined when they can.
 * @example const reason = netnsUnavailable();
 */
export function netnsUnavailable(): string | undefined {
  if (userInfo().uid !== 0) return 'not root (ip netns needs CAP_SYS_ADMIN)';
  const probe = `buff-${process.pid}-probe`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (added.error) return `no ip command: ${added.error.message} (apt-get install iproute2)`;
  if (added.status !== 0) return `ip netns add failed: ${added.stderr.trim()} (needs root with CAP_SYS_ADMIN)`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

/**
 * Creates the switch and one namespace per host name; on any failure removes what it made and throws.
 * @example const net = createNetwork(['pg', 'w1', 'w2']); afterAll(() => net.teardown());
 */
export function createNetwork(hosts: string[]): Network {
  const ns = (name: string) => `buff-${process.pid}-${name}`;
  const made: string[] = [];
  const network: Network = {
    address: {},
    exec: (name, argv) => ['ip', 'netns', 'exec', ns(name), ...argv],
    link: (name, state) => ip(['-n', ns(name), 'link', 'set', 'eth0', state]),
    teardown: () => {
      for (const name of made) {
        const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout ?? '';
        for (const pid of pids.split(/\s+/).filter(Boolean)) spawnSync('kill', ['-KILL', pid]);
        spawnSync('ip', ['netns', 'del', name]);
      }
    },
  };
  try {
    const sw = ns('sw');
    ip(['netns', 'add', sw]);
    made.push(sw);
    ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', sw, 'link', 'set', 'br0', 'up']);
    hosts.forEach((name, i) => {
      ip(['netns', 'add', ns(name)]);
      made.push(ns(name));
      ip(['-n', sw, 'link', 'add', name, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns(name)]);
      ip(['-n', sw, 'link', 'set', name, 'master', 'br0', 'up']);
      network.address[name] = `${SUBNET}.${i + 1}`;
      ip(['-n', ns(name), 'addr', 'add', `${network.address[name]}/24`, 'dev', 'eth0']);
      ip(['-n', ns(name), 'link', 'set', 'eth0', 'up']);
      ip(['-n', ns(name), 'link', 'set', 'lo', 'up']);
    });
  } catch (err) {
    network.teardown();
    throw err;
  }
  return network;
}

/** A throwaway PostgreSQL inside one host of a Network. */
export interface NetnsPostgres {
  /** `postgres://buff@<address>:5432/`: reachable from the other hosts only. */
  tcpUrl(database: string): string;
  /** The same server through its Unix socket (a file path, reachable from the test process). */
  socketUrl(database: string): string;
  stop(): void;
}

/**
 * initdb + pg_ctl start (as user postgres) inside host `name`, listening on its address only
 * (not loopback), fsync off.
 * @example const server = startPostgresIn(net, 'pg');
 */
export function startPostgresIn(network: Network, name: string): NetnsPostgres {
  const bin = findPostgresBin();
  if (!bin) throw new Error('no initdb/pg_ctl found (apt-get install postgresql, or set BUFF_PG_BIN)');
  const dir = mkdtempSync(join(tmpdir(), 'buff-netns-pg-'));
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  chownSync(dir, id('-u'), id('-g'));
  const data = join(dir, 'data');
  const asPostgres = (cmd: string, args: string[]) =>
    network.exec(name, ['runuser', '-u', 'postgres', '--', join(bin, cmd), ...args]);
  const run = (argv: string[]) => execFileSync(argv[0] as string, argv.slice(1), { stdio: 'pipe' });
  const settings = [
    '-p 5432',
    `-k ${dir}`,
    `-c listen_addresses=${network.address[name]}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
  ];
  try {
    run(asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'buff', '--no-sync']));
    appendFileSync(join(data, 'pg_hba.conf'), `host all all ${SUBNET}.0/24 trust\n`);
    run(
      asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', settings.join(' '), '-w', '-t', '60', 'start']),
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start in ${name}: ${(err as { stderr?: Buffer }).stderr ?? err}`);
  }
  return {
    tcpUrl: (database) => `postgres://buff@${network.address[name]}:5432/${database}`,
    socketUrl: (database) => `postgres://buff@localhost:5432/${database}?host=${encodeURIComponent(dir)}`,
    stop: () => {
      try {
        run(asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']));
      } catch {
        // the namespace teardown kills it anyway
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
