// A throwaway PostgreSQL for benchmarks (BUFF_TEST_PG_URL when set): initdb + pg_ctl, as user postgres when root.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Starts a cluster on 127.0.0.1 (fsync on); undefined when no server binaries are found. */
export async function startPostgres() {
  if (process.env.BUFF_TEST_PG_URL) return { url: process.env.BUFF_TEST_PG_URL, stop() {} };
  const base = '/usr/lib/postgresql';
  const bin =
    process.env.BUFF_PG_BIN ??
    (existsSync(base)
      ? readdirSync(base)
          .sort((a, b) => b - a)
          .map((v) => join(base, v, 'bin'))
          .find((d) => existsSync(join(d, 'pg_ctl')))
      : undefined);
  if (!bin) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'buff-bench-pg-'));
  const asRoot = userInfo().uid === 0;
  const run = (cmd, args) => {
    const r = asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args])
      : spawnSync(join(bin, cmd), args);
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  };
  if (asRoot)
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'])), Number(execFileSync('id', ['-g', 'postgres'])));
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  run('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'buff', '--no-sync']);
  run('pg_ctl', [
    '-D',
    join(dir, 'data'),
    '-l',
    join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    '-w',
    'start',
  ]);
  return {
    url: `postgres://buff@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
      } finally {
        if (spawnSync('rm', ['-rf', dir]).status !== 0) rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
