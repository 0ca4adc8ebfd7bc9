import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A PostgreSQL server for tests: a throwaway cluster or the one named by BUFF_TEST_PG_URL. */
export interface TestPostgres {
  /** Connection string of the server's `postgres` database. */
  url: string;
  /** A fresh, empty database on the server; returns its connection string. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Finds the server binaries: BUFF_PG_BIN, then /usr/lib/postgresql/<newest>/bin (Debian),
 * then `initdb` on PATH.
 */
export function findPostgresBin(): string | undefined {
  const candidates: string[] = [];
  if (process.env.BUFF_PG_BIN) candidates.push(process.env.BUFF_PG_BIN);
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  for (const dir of candidates) if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  try {
    const initdb = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    return initdb ? initdb.replace(/\/initdb$/, '') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts PostgreSQL for a test file, or returns undefined (with a loud warning) when none can be
 * had. With BUFF_REQUIRE_PG=1 a missing server throws instead, so CI fails rather than skips.
 * @example const server = await startTestPostgres(); afterAll(() => server?.stop());
 */
export async function startTestPostgres(options: { fsync?: boolean } = {}): Promise<TestPostgres | undefined> {
  try {
    if (process.env.BUFF_TEST_PG_URL) return await external(process.env.BUFF_TEST_PG_URL);
    return await throwawayCluster(options.fsync ?? false);
  } catch (err) {
    if (process.env.BUFF_REQUIRE_PG === '1') throw err;
    console.warn(
      `\n!!! PostgreSQL unavailable, postgres tests SKIPPED: ${(err as Error).message}\n!!! set BUFF_REQUIRE_PG=1 to make this a failure\n`,
    );
    return undefined;
  }
}

async function external(url: string): Promise<TestPostgres> {
  await query(url, 'SELECT 1');
  return { url, createDatabase: () => createDatabase(url), stop: async () => undefined };
}

async function throwawayCluster(fsync: boolean): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (!bin)
    throw new Error('no initdb/pg_ctl found (apt-get install postgresql, or set BUFF_PG_BIN / BUFF_TEST_PG_URL)');
  const dir = mkdtempSync(join(tmpdir(), 'buff-pg-'));
  const asRoot = userInfo().uid === 0;
  const run = (cmd: string, args: string[]): void => {
    const full = asRoot ? ['-u', 'postgres', '--', join(bin, cmd), ...args] : args;
    execFileSync(asRoot ? 'runuser' : join(bin, cmd), full, { stdio: 'pipe' });
  };
  if (asRoot)
    chownSync(
      dir,
      Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
      Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
    );
  const data = join(dir, 'data');
  const port = await freePort();
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'buff', '--no-sync']);
    const settings = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c max_connections=100'];
    if (!fsync) settings.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off');
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', settings.join(' '), '-w', '-t', '60', 'start']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `could not start a throwaway cluster with ${bin}: ${(err as { stderr?: Buffer }).stderr?.toString() ?? (err as Error).message}`,
    );
  }
  const url = `postgres://buff@127.0.0.1:${port}/postgres`;
  return {
    url,
    createDatabase: () => createDatabase(url),
    stop: async () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function createDatabase(url: string): Promise<string> {
  const name = `buff_test_${randomBytes(6).toString('hex')}`;
  await query(url, `CREATE DATABASE ${name}`);
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function query(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
